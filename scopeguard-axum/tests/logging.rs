//! SPEC §4: every deny is a `tracing` event with its reason; a missing
//! authentication layer is an `error!`; tokens are never logged.

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
mod support;

use axum::Router;
use axum::routing::get;
use captured_logs::capture;
use http::StatusCode;
use scopeguard_axum::{AuthLayer, Principal, RequireScope, Scoped, requires_scope, scope};
use support::{FixedTokens, get as get_with};

scope!(OrderItem = "order:item");

#[requires_scope("tenant-{tenant}")]
async fn tenant() -> &'static str {
    "tenant"
}

const SERVER_ERROR: &str =
    r#"{"error":"server_error","error_description":"the server cannot authorize this request"}"#;

/// Asserts a 500 with the server-error body, no challenge, and an `error!`
/// event with `reason`, without the token.
async fn assert_misconfigured(app: &Router, path: &str, reason: &str) {
    let (captured, _guard) = capture();
    let answer = get_with(app, path, Some("reader")).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
    assert_eq!(answer.challenge, None, "{path}");
    assert_eq!(answer.body, SERVER_ERROR, "{path}");
    let logged = captured.text();
    assert!(logged.contains("ERROR"), "{path}: {logged}");
    assert!(
        logged.contains(&format!("reason=\"{reason}\"")),
        "{path}: {logged}"
    );
    assert!(!logged.contains("Bearer reader"), "{path}: {logged}");
}

fn routes() -> Router {
    Router::new().route(
        "/items",
        get(|| async { "items" }).route_layer(RequireScope::new("order:item")),
    )
}

#[tokio::test(flavor = "current_thread")]
async fn each_denial_is_logged_with_its_reason_and_without_the_token() {
    let (captured, _guard) = capture();
    let app = routes().layer(AuthLayer::new(FixedTokens));
    for (token, reason) in [
        (Some("nobody"), "insufficient_scope"),
        (Some("expired"), "expired"),
        (Some("keys-down"), "key_set_unavailable"),
        (None, "missing_token"),
    ] {
        get_with(&app, "/items", token).await;
        let logged = captured.text();
        assert!(
            logged.contains(&format!("reason=\"{reason}\"")),
            "{reason}: {logged}"
        );
    }
    let logged = captured.text();
    // (`expired` is both a token of the test validator and a reason label.)
    for token in ["nobody", "keys-down", "Bearer"] {
        assert!(!logged.contains(token), "a token was logged: {logged}");
    }
    assert!(logged.contains("WARN"), "unavailability is a warning: {logged}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_missing_authentication_layer_is_an_error_event() {
    let (captured, _guard) = capture();
    let answer = get_with(&routes(), "/items", Some("reader")).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    let logged = captured.text();
    assert!(logged.contains("ERROR"), "{logged}");
    assert!(logged.contains("missing_auth_layer"), "{logged}");
}

#[tokio::test(flavor = "current_thread")]
async fn extractors_without_the_authentication_layer_log_an_error() {
    let app = Router::new()
        .route("/scoped", get(|_: Scoped<OrderItem>| async { "items" }))
        .route("/principal", get(|_: Principal| async { "me" }))
        .route("/macro", get(tenant));
    for path in ["/scoped", "/principal", "/macro"] {
        assert_misconfigured(&app, path, "missing_auth_layer").await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_template_parameter_missing_from_the_route_is_500_and_an_error_event() {
    let app = Router::new()
        .route(
            "/layer",
            get(|| async { "tenant" }).route_layer(RequireScope::new("tenant-{tenant}")),
        )
        .route("/macro", get(tenant))
        .layer(AuthLayer::new(FixedTokens));
    for path in ["/layer", "/macro"] {
        assert_misconfigured(&app, path, "missing_template_parameter").await;
    }
}
