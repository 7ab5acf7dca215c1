//! SPEC §6 with the `utoipa` feature: a real axum handler carrying both
//! `#[utoipa::path]` and `#[requires_scope]` gets, in the generated `OpenAPI`
//! document, the OAuth 2.0 security requirement of its scopes — and still
//! enforces them when served.
#![cfg(feature = "utoipa")]

#[path = "../../test-support/shared/tokens.rs"]
mod tokens;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http::{Method, Request};
use scopeguard_axum::core::inventory::catalogue::ScopeCatalogue;
use scopeguard_axum::openapi::{OAuth2Flow, OAuth2Security};
use scopeguard_axum::{AuthLayer, requires_scope};
use serde_json::{Value, json};
use tokens::FixedTokens;
use tower::ServiceExt;
use utoipa::OpenApi;

/// The items of an order.
#[utoipa::path(get, path = "/orders/{id}/items", params(("id" = u32, Path)), responses((status = 200)))]
#[requires_scope(all("order:item", "order:shipping:address"))]
async fn order_items() -> &'static str {
    "items"
}

/// A route with no scope, for contrast.
#[utoipa::path(get, path = "/health", responses((status = 200)))]
async fn health() -> &'static str {
    "ok"
}

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        OAuth2Security::new(OAuth2Flow::client_credentials("https://auth.example.com/token"))
            .catalogue(ScopeCatalogue::new().scope("order:item", "Read the items of an order"))
            .operations_from_macro()
            .modify(openapi);
    }
}

#[derive(OpenApi)]
#[openapi(paths(order_items, health), modifiers(&Security))]
struct ApiDoc;

fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).expect("a JSON document")
}

#[test]
fn the_macro_handler_operation_has_the_security_requirement_of_its_scopes() {
    let document = document();
    let operation = &document["paths"]["/orders/{id}/items"]["get"];
    assert_eq!(operation["operationId"], "order_items");
    assert_eq!(
        operation["security"],
        json!([{"oauth2": ["order:item", "order:shipping:address"]}])
    );
    assert_eq!(document["paths"]["/health"]["get"]["security"], Value::Null);
}

#[test]
fn the_scheme_lists_the_handler_scopes_with_the_catalogue_descriptions() {
    let document = document();
    assert_eq!(
        document["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"],
        json!({"order:item": "Read the items of an order", "order:shipping:address": ""})
    );
}

#[tokio::test]
async fn the_documented_handler_still_enforces_its_scopes() {
    let app = Router::new()
        .route("/orders/{id}/items", get(order_items))
        .route("/health", get(health))
        .layer(AuthLayer::new(FixedTokens));
    let status = |token: &'static str| {
        let app = app.clone();
        async move {
            let request = Request::builder()
                .method(Method::GET)
                .uri("/orders/1/items")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .expect("a request");
            app.oneshot(request).await.expect("infallible").status()
        }
    };
    assert_eq!(status("reader").await, 200, "scope order covers both");
    assert_eq!(status("nobody").await, 403);
    assert_eq!(status("writer").await, 403);
}
