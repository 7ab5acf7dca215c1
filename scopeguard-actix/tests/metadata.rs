//! SPEC §6 and §7 over HTTP: the protected-resource metadata route answers
//! 200 JSON whatever `Authorization` says when registered outside the
//! authentication middleware, and lists the scopes the routes require.

#[path = "../../test-support/shared/tokens.rs"]
mod tokens;

#[path = "../../test-support/shared/raw_http.rs"]
mod raw_http;

use scopeguard_actix::Authenticator;
use std::net::SocketAddr;

use actix_web::{App, web};
use raw_http::{RawAnswer, request};
use scopeguard_actix::core::inventory::metadata::{ProtectedResourceMetadata, WELL_KNOWN_PATH};
use scopeguard_actix::{
    AuthMiddleware, ChallengeConfig, RequireScope, Scoped, metadata, requires_scope, scope,
};
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

async fn address(_: Scoped<ShippingAddress>) -> &'static str {
    "address"
}

/// The protected routes: middleware, an extractor and the macro.
fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/orders/{id}/items")
                .wrap(RequireScope::new("order:item"))
                .route(web::get().to(|| async { "items" })),
        )
        .route("/orders/{id}/shipping/address", web::get().to(address))
        .route("/inventory/{id}/price", web::get().to(price_read))
        .route("/transactions/{tx}/approve", web::post().to(approve));
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

fn challenge(document: &ProtectedResourceMetadata) -> ChallengeConfig {
    ChallengeConfig::builder()
        .resource_metadata(document.url())
        .build()
        .expect("a valid challenge configuration")
}

/// Serves the app the closure body builds, with `$resource` the
/// `http://ADDR` of the server; evaluates to the address.
macro_rules! serve {
    (|$resource:ident| $app:expr) => {{
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let addr = listener.local_addr().expect("an address");
        let resource = format!("http://{addr}");
        let server = actix_web::HttpServer::new(move || {
            let $resource = resource.as_str();
            $app
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listening")
        .run();
        actix_web::rt::spawn(server);
        addr
    }};
}

/// The metadata first, outside; the routes in a scope behind the middleware.
fn serve_app() -> SocketAddr {
    serve_app_with(false)
}

/// [`serve_app`], listing template prefixes if `template_prefixes`.
fn serve_app_with(template_prefixes: bool) -> SocketAddr {
    serve!(|resource| {
        let document = document_with(resource, template_prefixes);
        let challenge = challenge(&document);
        App::new().service(metadata::service(document)).service(
            web::scope("")
                .wrap(AuthMiddleware::from(
                    Authenticator::new(FixedTokens).challenge(challenge),
                ))
                .configure(routes),
        )
    })
}

async fn send(
    addr: SocketAddr,
    method: &'static str,
    path: &str,
    authorization: Option<&'static str>,
) -> RawAnswer {
    let path = path.to_owned();
    actix_web::rt::task::spawn_blocking(move || request(addr, method, &path, authorization))
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

#[actix_web::test]
async fn the_metadata_route_answers_200_json_whatever_authorization_says() {
    let addr = serve_app();
    for authorization in AUTHORIZATIONS {
        let answer = send(addr, "GET", WELL_KNOWN_PATH, authorization).await;
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

#[actix_web::test]
async fn the_document_has_exactly_the_rfc_9728_members() {
    let addr = serve_app();
    let answer = send(addr, "GET", WELL_KNOWN_PATH, None).await;
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
    let answer = send(addr, "GET", WELL_KNOWN_PATH, None).await;
    let json: Value = serde_json::from_str(&answer.body).expect("a JSON body");
    serde_json::from_value(json["scopes_supported"].clone()).expect("strings")
}

#[actix_web::test]
async fn scopes_supported_lists_the_scopes_of_middleware_extractors_and_macros_but_no_template() {
    let addr = serve_app();
    assert_eq!(scopes_supported(addr).await, ROUTE_SCOPES);
}

#[actix_web::test]
async fn with_template_prefixes_scopes_supported_also_lists_transaction_prefix() {
    let addr = serve_app_with(true);
    let mut expected = ROUTE_SCOPES.to_vec();
    expected.push("transaction-");
    assert_eq!(scopes_supported(addr).await, expected);
}

/// The challenge of the default realm with `attributes`, then the
/// `resource_metadata` of the server at `addr`.
fn challenge_with_metadata(addr: SocketAddr, attributes: &str) -> String {
    format!(r#"Bearer realm="scopeguard", {attributes}, resource_metadata="http://{addr}{WELL_KNOWN_PATH}""#)
}

#[actix_web::test]
async fn challenges_point_at_the_metadata_url_and_protected_routes_stay_protected() {
    let addr = serve_app();
    let denied = send(addr, "GET", "/orders/1/items", Some("Bearer not-a-known-token")).await;
    assert_eq!(denied.status, 401);
    assert_eq!(
        denied.header("www-authenticate"),
        Some(
            challenge_with_metadata(
                addr,
                r#"error="invalid_token", error_description="the token's signature is invalid""#
            )
            .as_str()
        )
    );
    assert_eq!(send(addr, "GET", "/orders/1/items", None).await.status, 401);
    let forbidden = send(addr, "GET", "/orders/1/items", Some("Bearer nobody")).await;
    assert_eq!(forbidden.status, 403);
    assert_eq!(
        forbidden.header("www-authenticate"),
        Some(
            challenge_with_metadata(
                addr,
                r#"error="insufficient_scope", error_description="insufficient scope", scope="order:item""#
            )
            .as_str()
        )
    );
    assert_eq!(
        forbidden.body,
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"order:item"}"#
    );
    assert_eq!(
        send(addr, "GET", "/orders/1/items", Some("Bearer reader"))
            .await
            .status,
        200
    );
    assert_eq!(
        send(addr, "GET", "/orders/1/shipping/address", Some("Bearer reader"))
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn a_malformed_request_is_400_with_the_metadata_url() {
    let addr = serve_app();
    let answer = send(addr, "GET", "/orders/1/items", Some("Bearer a,b")).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.header("www-authenticate"),
        Some(
            challenge_with_metadata(
                addr,
                r#"error="invalid_request", error_description="the bearer token is malformed""#
            )
            .as_str()
        )
    );
    assert_eq!(
        answer.body,
        r#"{"error":"invalid_request","error_description":"the bearer token is malformed"}"#
    );
}

#[actix_web::test]
async fn head_is_answered_too() {
    let addr = serve_app();
    let answer = send(addr, "HEAD", WELL_KNOWN_PATH, Some("Bearer expired")).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.body, "");
}

#[actix_web::test]
async fn inside_the_authentication_middleware_an_invalid_token_is_refused() {
    // Why the route goes outside: the middleware answers a bad token at once.
    let addr = serve!(|resource| {
        App::new()
            .service(metadata::service(document(resource)))
            .wrap(AuthMiddleware::new(FixedTokens))
    });
    assert_eq!(send(addr, "GET", WELL_KNOWN_PATH, None).await.status, 200);
    assert_eq!(
        send(addr, "GET", WELL_KNOWN_PATH, Some("Bearer not-a-known-token"))
            .await
            .status,
        401
    );
}
