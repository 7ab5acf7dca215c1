//! SPEC §4 at the HTTP level, through a `Router`, for the layer and the
//! extractor.

mod support;

use axum::routing::{get, post};
use axum::{Json, Router};
use http::StatusCode;
use scopeguard_axum::Authenticator;
use scopeguard_axum::{AuthLayer, Principal, RequireScope, Scoped, scope};
use support::{
    FixedTokens, assert_insufficient_scope, assert_missing_token, assert_server_error, auth_layer,
    get as get_with, send,
};

scope!(OrderItem = "order:item");
scope!(Approve = "transaction-{tx}");
scope!(Payment = "payment.write", max_age = 300);
scope!(Sales = any("inventory:sales", "report:read"));
scope!(PriceWrite = "inventory:price.write");

async fn ok() -> &'static str {
    "ok"
}

/// The same requirements, once as route layers and once as extractors.
fn routes() -> Router {
    Router::new()
        .route(
            "/layer/orders/{id}/items",
            get(ok).route_layer(RequireScope::new("order:item")),
        )
        .route(
            "/layer/transactions/{tx}",
            post(ok).route_layer(RequireScope::new("transaction-{tx}")),
        )
        .route(
            "/layer/payments",
            post(ok).route_layer(RequireScope::new("payment.write, max_age = 300")),
        )
        .route(
            "/layer/reports/sales",
            get(ok).route_layer(RequireScope::new("any(inventory:sales, report:read)")),
        )
        .route("/extractor/orders/{id}/items", get(|_: Scoped<OrderItem>| ok()))
        .route("/extractor/transactions/{tx}", post(|_: Scoped<Approve>| ok()))
        .route("/extractor/payments", post(|_: Scoped<Payment>| ok()))
        .route("/extractor/reports/sales", get(|_: Scoped<Sales>| ok()))
        .route(
            "/extractor/prices",
            post(|_: Scoped<PriceWrite>, Json(price): Json<u64>| async move { price.to_string() }),
        )
        .route(
            "/me",
            get(|principal: Principal| async move { principal.sub().unwrap_or_default().to_owned() }),
        )
        .route(
            "/maybe",
            get(|principal: Option<Principal>| async move {
                principal.map_or_else(
                    || "anonymous".to_owned(),
                    |principal| principal.sub().unwrap_or_default().to_owned(),
                )
            }),
        )
        .route("/health", get(ok))
}

fn app() -> Router {
    routes().layer(auth_layer())
}

const MECHANISMS: [&str; 2] = ["layer", "extractor"];

#[tokio::test]
async fn no_credentials_is_401_with_a_bare_challenge() {
    let app = app();
    for mechanism in MECHANISMS {
        let answer = get_with(&app, &format!("/{mechanism}/orders/1/items"), None).await;
        assert_missing_token(answer.parts(), mechanism);
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    }
}

#[tokio::test]
async fn malformed_credentials_are_400_invalid_request() {
    let app = app();
    for mechanism in MECHANISMS {
        let answer = send(
            &app,
            "GET",
            &format!("/{mechanism}/orders/1/items"),
            Some("Bearer a,b"),
            "",
        )
        .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{mechanism}");
        assert_eq!(
            answer.challenge.as_deref(),
            Some(
                r#"Bearer realm="test", error="invalid_request", error_description="the bearer token is malformed""#
            )
        );
        assert_eq!(
            answer.body,
            r#"{"error":"invalid_request","error_description":"the bearer token is malformed"}"#
        );
    }
}

#[tokio::test]
async fn invalid_token_is_401_invalid_token() {
    let app = app();
    for mechanism in MECHANISMS {
        let answer = get_with(&app, &format!("/{mechanism}/orders/1/items"), Some("expired")).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{mechanism}");
        assert_eq!(
            answer.challenge.as_deref(),
            Some(r#"Bearer realm="test", error="invalid_token", error_description="the token has expired""#)
        );
        assert_eq!(
            answer.body,
            r#"{"error":"invalid_token","error_description":"the token has expired"}"#
        );
    }
}

#[tokio::test]
async fn unavailable_keys_are_503_with_retry_after_and_no_challenge() {
    let app = app();
    for mechanism in MECHANISMS {
        let answer = get_with(&app, &format!("/{mechanism}/orders/1/items"), Some("keys-down")).await;
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{mechanism}");
        assert_eq!(answer.challenge, None);
        assert_eq!(answer.retry_after.as_deref(), Some("30"));
        assert_eq!(
            answer.body,
            r#"{"error":"temporarily_unavailable","error_description":"the signing keys are temporarily unavailable"}"#
        );
    }
}

#[tokio::test]
async fn missing_scope_is_403_naming_the_scope() {
    let app = app();
    for mechanism in MECHANISMS {
        let answer = get_with(&app, &format!("/{mechanism}/orders/1/items"), Some("nobody")).await;
        assert_insufficient_scope(answer.parts(), Some("order:item"), mechanism);
    }
}

#[tokio::test]
async fn any_requirement_names_its_first_alternative() {
    let app = app();
    for mechanism in MECHANISMS {
        let answer = get_with(&app, &format!("/{mechanism}/reports/sales"), Some("reader")).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{mechanism}");
        assert!(
            answer
                .challenge
                .as_deref()
                .is_some_and(|c| c.ends_with(r#"scope="inventory:sales""#))
        );
    }
}

#[tokio::test]
async fn hierarchy_grants_the_sub_scope() {
    let app = app();
    for mechanism in MECHANISMS {
        let answer = get_with(&app, &format!("/{mechanism}/orders/7/items"), Some("reader")).await;
        assert_eq!(answer.status, StatusCode::OK, "{mechanism}");
        assert_eq!(answer.body, "ok");
    }
}

#[tokio::test]
async fn template_is_filled_from_the_path() {
    let app = app();
    for mechanism in MECHANISMS {
        let path = format!("/{mechanism}/transactions/42");
        let allowed = send(&app, "POST", &path, Some("Bearer tx42"), "").await;
        assert_eq!(allowed.status, StatusCode::OK, "{mechanism}");

        let other = send(
            &app,
            "POST",
            &format!("/{mechanism}/transactions/4"),
            Some("Bearer tx42"),
            "",
        )
        .await;
        assert_eq!(other.status, StatusCode::FORBIDDEN, "{mechanism}");
        assert!(
            other
                .challenge
                .as_deref()
                .is_some_and(|c| c.ends_with(r#"scope="transaction-4""#))
        );
    }
}

#[tokio::test]
async fn template_value_breaking_the_grammar_is_403_without_scope_attribute() {
    let app = app();
    for mechanism in MECHANISMS {
        let answer = send(
            &app,
            "POST",
            &format!("/{mechanism}/transactions/4%2042"),
            Some("Bearer tx42"),
            "",
        )
        .await;
        assert_insufficient_scope(answer.parts(), None, mechanism);
    }
}

#[tokio::test]
async fn step_up_is_401_insufficient_user_authentication() {
    let app = app();
    for mechanism in MECHANISMS {
        let path = format!("/{mechanism}/payments");
        let fresh = send(&app, "POST", &path, Some("Bearer clerk"), "").await;
        assert_eq!(fresh.status, StatusCode::OK, "{mechanism}");

        let stale = send(&app, "POST", &path, Some("Bearer stale-clerk"), "").await;
        assert_eq!(stale.status, StatusCode::UNAUTHORIZED, "{mechanism}");
        let challenge = stale.challenge.expect("a challenge");
        assert!(
            challenge.starts_with(r#"Bearer realm="test", error="insufficient_user_authentication""#),
            "{challenge}"
        );
        assert!(challenge.ends_with(r#"max_age="300""#), "{challenge}");

        // Scopes are checked before step-up.
        let lacking = send(&app, "POST", &path, Some("Bearer reader"), "").await;
        assert_eq!(lacking.status, StatusCode::FORBIDDEN, "{mechanism}");
    }
}

#[tokio::test]
async fn scoped_runs_before_a_body_extractor() {
    let app = app();
    let lacking = send(
        &app,
        "POST",
        "/extractor/prices",
        Some("Bearer nobody"),
        r#""twelve""#,
    )
    .await;
    assert_eq!(lacking.status, StatusCode::FORBIDDEN);
    let allowed = send(&app, "POST", "/extractor/prices", Some("Bearer writer"), "12").await;
    assert_eq!((allowed.status, allowed.body.as_str()), (StatusCode::OK, "12"));
    let bad_body = send(
        &app,
        "POST",
        "/extractor/prices",
        Some("Bearer writer"),
        r#""twelve""#,
    )
    .await;
    assert_eq!(bad_body.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn public_route_shares_the_router() {
    let app = app();
    assert_eq!(get_with(&app, "/health", None).await.status, StatusCode::OK);
    // An invalid token is answered by the authentication layer, on every route.
    assert_eq!(
        get_with(&app, "/health", Some("expired")).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn principal_extractor_needs_a_token_and_option_does_not() {
    let app = app();
    assert_eq!(get_with(&app, "/me", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(get_with(&app, "/me", Some("reader")).await.body, "reader");
    assert_eq!(get_with(&app, "/maybe", None).await.body, "anonymous");
    assert_eq!(get_with(&app, "/maybe", Some("reader")).await.body, "reader");
}

#[tokio::test]
async fn missing_auth_layer_is_500_never_an_allow() {
    let app = routes();
    for path in [
        "/layer/orders/1/items",
        "/extractor/orders/1/items",
        "/me",
        "/maybe",
    ] {
        let answer = get_with(&app, path, Some("reader")).await;
        assert_server_error(answer.parts(), path);
    }
}

#[derive(serde::Deserialize)]
struct Tenant {
    tenant: String,
}

#[tokio::test]
async fn typed_claims_reach_the_handler() {
    let app = Router::new()
        .route(
            "/tenant",
            get(|principal: Principal<Tenant>| async move { principal.claims.tenant }),
        )
        .route(
            "/scoped-tenant",
            get(|scoped: Scoped<OrderItem, Tenant>| async move { scoped.claims.tenant }),
        )
        .layer(AuthLayer::new(FixedTokens));
    assert_eq!(get_with(&app, "/tenant", Some("reader")).await.body, "acme");
    assert_eq!(
        get_with(&app, "/scoped-tenant", Some("reader")).await.body,
        "acme"
    );
}

#[derive(Debug, serde::Deserialize)]
struct NeedsRole {
    #[allow(dead_code)]
    role: String,
}

#[tokio::test]
async fn claims_that_do_not_fit_the_type_are_401() {
    let app = Router::new()
        .route("/role", get(|_: Principal<NeedsRole>| ok()))
        .layer(AuthLayer::new(FixedTokens));
    let answer = get_with(&app, "/role", Some("reader")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(
        answer
            .challenge
            .is_some_and(|c| c.contains(r#"error="invalid_token""#))
    );
}

#[tokio::test]
async fn custom_body_keeps_status_and_challenge() {
    let app = routes().layer(AuthLayer::from(Authenticator::new(FixedTokens).error_body(
        |error: &scopeguard_axum::AuthError, response: scopeguard_axum::ErrorResponse| {
            response.with_body(
                http::HeaderValue::from_static("text/plain"),
                format!("denied: {}", error.label()),
            )
        },
    )));
    for mechanism in MECHANISMS {
        let answer = get_with(&app, &format!("/{mechanism}/orders/1/items"), Some("nobody")).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(answer.body, "denied: insufficient_scope");
        assert_eq!(answer.content_type.as_deref(), Some("text/plain"));
        assert!(
            answer
                .challenge
                .is_some_and(|c| c.contains(r#"scope="order:item""#))
        );
    }
}

#[test]
fn try_new_says_why_a_requirement_does_not_parse() {
    use scopeguard_axum::core::RequirementErrorKind;

    let error = RequireScope::try_new("\"inventory\\price\"").expect_err("a backslash is no scope character");
    assert!(
        matches!(error.kind(), RequirementErrorKind::InvalidScope(_)),
        "{:?}",
        error.kind()
    );
    assert!(RequireScope::try_new("all()").is_err());
    assert!(RequireScope::try_new("").is_err());
    let layer = RequireScope::try_new("any(inventory:sales, report:read)").expect("a valid requirement");
    assert_eq!(
        layer.requirement().to_string(),
        "any(inventory:sales, report:read)"
    );
}

#[test]
#[should_panic(expected = "invalid scope requirement")]
fn new_panics_on_a_requirement_that_does_not_parse() {
    let _ = RequireScope::new("\"inventory\\price\"");
}
