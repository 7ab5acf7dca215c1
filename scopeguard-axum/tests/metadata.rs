//! SPEC §6 and §7 over HTTP: the protected-resource metadata route answers
//! 200 JSON whatever `Authorization` says when merged outside the
//! authentication layer, and lists the scopes the routes require.

#[path = "../../test-support/shared/tokens.rs"]
mod tokens;

#[path = "../../test-support/shared/raw_http.rs"]
mod raw_http;

use scopeguard_axum::Authenticator;
use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;
use raw_http::{RawAnswer, request};
use scopeguard_axum::core::inventory::metadata::{ProtectedResourceMetadata, WELL_KNOWN_PATH};
use scopeguard_axum::core::inventory::usage::{TemplateScopes, used_scopes};
use scopeguard_axum::{AuthLayer, ChallengeConfig, RequireScope, Scoped, metadata, requires_scope, scope};
use serde_json::Value;
use tokens::FixedTokens;

scope!(ShippingAddress = "order:shipping:address");

#[requires_scope("inventory:price")]
async fn price_read() -> &'static str {
    "price"
}

#[requires_scope("transaction-{tx}")]
async fn approve() -> &'static str {
    "approved"
}

/// The protected routes: a layer, an extractor and the macro.
fn routes() -> Router {
    Router::new()
        .route(
            "/orders/{id}/items",
            get(|| async { "items" }).route_layer(RequireScope::new("order:item")),
        )
        .route(
            "/orders/{id}/shipping/address",
            get(|_: Scoped<ShippingAddress>| async { "address" }),
        )
        .route("/inventory/{id}/price", get(price_read))
        .route("/transactions/{tx}/approve", axum::routing::post(approve))
}

/// Serves `app(resource)` on a fresh port; returns its address.
async fn serve(app: impl FnOnce(&str) -> Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("an address");
    let app = app(&format!("http://{addr}"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("the server runs") });
    addr
}

fn document(resource: &str) -> ProtectedResourceMetadata {
    document_with(resource, false)
}

/// The document, listing template prefixes if `template_prefixes`.
fn document_with(resource: &str, template_prefixes: bool) -> ProtectedResourceMetadata {
    ProtectedResourceMetadata::builder(resource)
        .authorization_server("https://auth.example.com")
        .scopes_from_app()
        .include_template_prefixes(template_prefixes)
        .build()
        .expect("valid metadata")
}

/// The routes behind the authentication layer, the metadata merged after it.
fn app(resource: &str) -> Router {
    app_with(document(resource))
}

/// [`app`] serving `document`.
fn app_with(document: ProtectedResourceMetadata) -> Router {
    let challenge = ChallengeConfig::builder()
        .resource_metadata(document.url())
        .build()
        .expect("a valid challenge configuration");
    routes()
        .layer(AuthLayer::from(
            Authenticator::new(FixedTokens).challenge(challenge),
        ))
        .merge(metadata::router(document))
}

async fn get_with(addr: SocketAddr, path: &str, authorization: Option<&'static str>) -> RawAnswer {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || request(addr, "GET", &path, authorization))
        .await
        .expect("the client ran")
}

const AUTHORIZATIONS: [Option<&str>; 6] = [
    None,
    Some("Bearer reader"),
    Some("Bearer not-a-known-token"),
    Some("Bearer expired"),
    Some("Bearer "),
    Some("Basic dXNlcjpwYXNz"),
];

#[tokio::test]
async fn the_metadata_route_answers_200_json_whatever_authorization_says() {
    let addr = serve(app).await;
    for authorization in AUTHORIZATIONS {
        let answer = get_with(addr, WELL_KNOWN_PATH, authorization).await;
        assert_eq!(answer.status, 200, "{authorization:?}: {answer:?}");
        assert_eq!(
            answer.header("content-type"),
            Some("application/json"),
            "{authorization:?}"
        );
        assert_eq!(answer.header("www-authenticate"), None, "{authorization:?}");
        let json: Value = serde_json::from_str(&answer.body).expect("a JSON body");
        assert_eq!(json["resource"], format!("http://{addr}"));
    }
}

#[tokio::test]
async fn the_document_has_exactly_the_rfc_9728_members() {
    let addr = serve(app).await;
    let answer = get_with(addr, WELL_KNOWN_PATH, None).await;
    let json: Value = serde_json::from_str(&answer.body).expect("a JSON body");
    let members: Vec<&str> = json
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        members,
        [
            "authorization_servers",
            "bearer_methods_supported",
            "resource",
            "scopes_supported"
        ]
    );
    assert_eq!(
        json["authorization_servers"],
        serde_json::json!(["https://auth.example.com"])
    );
    assert_eq!(json["bearer_methods_supported"], serde_json::json!(["header"]));
    assert!(
        answer.body.starts_with(&format!(
            r#"{{"resource":"http://{addr}","authorization_servers":"#
        )),
        "{}",
        answer.body
    );
}

/// The scopes the routes of this test binary require, but no template: its
/// registry holds exactly these routes.
const ROUTE_SCOPES: [&str; 3] = ["inventory:price", "order:item", "order:shipping:address"];

async fn scopes_supported(addr: SocketAddr) -> Vec<String> {
    let answer = get_with(addr, WELL_KNOWN_PATH, None).await;
    let json: Value = serde_json::from_str(&answer.body).expect("a JSON body");
    serde_json::from_value(json["scopes_supported"].clone()).expect("strings")
}

#[tokio::test]
async fn scopes_supported_lists_the_scopes_of_layers_extractors_and_macros_but_no_template() {
    let addr = serve(app).await;
    assert_eq!(scopes_supported(addr).await, ROUTE_SCOPES);
    assert!(used_scopes(TemplateScopes::FixedPrefix).contains(&"transaction-".to_owned()));
}

#[tokio::test]
async fn with_template_prefixes_scopes_supported_also_lists_transaction_prefix() {
    let addr = serve(|resource| app_with(document_with(resource, true))).await;
    let mut expected = ROUTE_SCOPES.to_vec();
    expected.push("transaction-");
    assert_eq!(scopes_supported(addr).await, expected);
}

#[tokio::test]
async fn challenges_point_at_the_metadata_url_which_answers() {
    let addr = serve(app).await;
    let url = format!("http://{addr}{WELL_KNOWN_PATH}");
    let denied = get_with(addr, "/orders/1/items", Some("Bearer not-a-known-token")).await;
    assert_eq!(denied.status, 401);
    assert_eq!(
        denied.header("www-authenticate"),
        Some(
            format!(
                r#"Bearer realm="scopeguard", error="invalid_token", error_description="the token's signature is invalid", resource_metadata="{url}""#
            )
            .as_str()
        )
    );
    let forbidden = get_with(addr, "/orders/1/items", Some("Bearer nobody")).await;
    assert_eq!(forbidden.status, 403);
    assert_eq!(
        forbidden.header("www-authenticate"),
        Some(
            format!(
                r#"Bearer realm="scopeguard", error="insufficient_scope", error_description="insufficient scope", scope="order:item", resource_metadata="{url}""#
            )
            .as_str()
        )
    );
    assert_eq!(get_with(addr, WELL_KNOWN_PATH, None).await.status, 200);
}

#[tokio::test]
async fn a_malformed_request_is_400_with_the_metadata_url() {
    let addr = serve(app).await;
    let url = format!("http://{addr}{WELL_KNOWN_PATH}");
    let answer = get_with(addr, "/orders/1/items", Some("Bearer a,b")).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.header("www-authenticate"),
        Some(
            format!(
                r#"Bearer realm="scopeguard", error="invalid_request", error_description="the bearer token is malformed", resource_metadata="{url}""#
            )
            .as_str()
        )
    );
    assert_eq!(
        answer.body,
        r#"{"error":"invalid_request","error_description":"the bearer token is malformed"}"#
    );
}

#[tokio::test]
async fn head_is_answered_too() {
    let addr = serve(app).await;
    let answer =
        tokio::task::spawn_blocking(move || request(addr, "HEAD", WELL_KNOWN_PATH, Some("Bearer expired")))
            .await
            .expect("the client ran");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.body, "");
}

#[tokio::test]
async fn inside_the_authentication_layer_an_invalid_token_is_refused() {
    // Why the route goes outside: the layer answers a bad token at once.
    let addr = serve(|resource| {
        routes()
            .merge(metadata::router(document(resource)))
            .layer(AuthLayer::new(FixedTokens))
    })
    .await;
    assert_eq!(get_with(addr, WELL_KNOWN_PATH, None).await.status, 200);
    assert_eq!(
        get_with(addr, WELL_KNOWN_PATH, Some("Bearer not-a-known-token"))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn a_resource_with_a_path_is_served_under_the_well_known_path() {
    let addr = serve(|resource| {
        let document = ProtectedResourceMetadata::builder(format!("{resource}/inventory"))
            .build()
            .expect("valid metadata");
        Router::new().merge(metadata::router(document))
    })
    .await;
    let answer = get_with(addr, "/.well-known/oauth-protected-resource/inventory", None).await;
    assert_eq!(answer.status, 200);
    let json: Value = serde_json::from_str(&answer.body).expect("a JSON body");
    assert_eq!(json["resource"], format!("http://{addr}/inventory"));
    assert_eq!(get_with(addr, WELL_KNOWN_PATH, None).await.status, 404);
}
