//! `RequireScope` at the router level: `Router::route_layer` with a template
//! scope, on a plain router and inside `Router::nest` (SPEC §2.4, §5).

mod support;

use axum::Router;
use axum::routing::{get, post};
use http::StatusCode;
use scopeguard_axum::{AuthLayer, RequireScope};
use support::{FixedTokens, send};

async fn approved() -> &'static str {
    "approved"
}

async fn post_with(app: &Router, path: &str, token: Option<&str>) -> (StatusCode, Option<String>, String) {
    let authorization = token.map(|token| format!("Bearer {token}"));
    let answer = send(app, "POST", path, authorization.as_deref(), "").await;
    (answer.status, answer.challenge, answer.body)
}

const TX7: &str = r#"Bearer realm="scopeguard", error="insufficient_scope", error_description="insufficient scope", scope="transaction-7""#;

/// The template is filled from whatever route matched, and the result is
/// required exactly; a path no route matches is still 404.
async fn assert_template_enforced(app: &Router, approve: impl Fn(&str) -> String) {
    let (status, _, body) = post_with(app, &approve("42"), Some("tx42")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "approved"));

    let (status, challenge, _) = post_with(app, &approve("7"), Some("tx42")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(challenge.as_deref(), Some(TX7));

    let (status, challenge, _) = post_with(app, &approve("42"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(challenge.as_deref(), Some(r#"Bearer realm="scopeguard""#));

    // `transaction-42` does not cover `transaction-420`.
    let (status, _, _) = post_with(app, &approve("420"), Some("tx42")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Route layers run after routing: an unmatched path is 404, with or
    // without a token, never a challenge.
    for token in [None, Some("tx42")] {
        let (status, challenge, _) = post_with(app, "/nowhere/42", token).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{token:?}");
        assert_eq!(challenge, None, "{token:?}");
    }
}

#[tokio::test]
async fn a_router_route_layer_fills_the_template_from_the_matched_route() {
    let app = Router::new()
        .route("/transactions/{tx}/approve", post(approved))
        .route("/transactions/{tx}/refund", post(approved))
        .route_layer(RequireScope::new("transaction-{tx}"))
        .route("/health", get(|| async { "ok" }))
        .layer(AuthLayer::new(FixedTokens));
    assert_template_enforced(&app, |tx| format!("/transactions/{tx}/approve")).await;
    assert_template_enforced(&app, |tx| format!("/transactions/{tx}/refund")).await;
    // A route added after the route layer is not covered by it.
    let health = send(&app, "GET", "/health", None, "").await;
    assert_eq!(health.status, StatusCode::OK);
}

#[tokio::test]
async fn a_route_layer_inside_a_nested_router_sees_the_outer_parameter() {
    let transaction = Router::new()
        .route("/approve", post(approved))
        .route_layer(RequireScope::new("transaction-{tx}"));
    let app = Router::new()
        .nest("/transactions/{tx}", transaction)
        .layer(AuthLayer::new(FixedTokens));
    assert_template_enforced(&app, |tx| format!("/transactions/{tx}/approve")).await;
}

#[tokio::test]
async fn a_route_layer_over_a_nested_router_fills_the_template() {
    let transaction = Router::new().route("/{tx}/approve", post(approved));
    let app = Router::new()
        .nest("/transactions", transaction)
        .route_layer(RequireScope::new("transaction-{tx}"))
        .layer(AuthLayer::new(FixedTokens));
    assert_template_enforced(&app, |tx| format!("/transactions/{tx}/approve")).await;
}
