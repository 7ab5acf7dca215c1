//! SPEC §3.8 through axum: a handler exchanges the caller's token, and a
//! failed exchange, returned with `?`, is the SPEC §4 answer.
#![cfg(all(feature = "token-exchange", feature = "test-util"))]

mod support;

#[path = "../../test-support/shared/downstream_cases.rs"]
mod downstream_cases;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use downstream_cases::{
    REQUESTED, assert_exchanged, assert_not_covered, assert_unavailable, closed_token_endpoint,
};
use scopeguard_axum::downstream::TokenExchanger;
use scopeguard_axum::test_util::TestIssuer;
use scopeguard_axum::{AuthLayer, AuthRejection, Authenticator, ChallengeConfig, Principal};
use support::{REALM, get as call};

async fn shipping(
    State(exchanger): State<TokenExchanger>,
    principal: Principal,
) -> Result<String, AuthRejection> {
    let token = exchanger.exchange(&principal).await?;
    Ok(token.scope().map(ToString::to_string).unwrap_or_default())
}

fn app(issuer: &TestIssuer, exchanger: TokenExchanger) -> Router {
    let challenge = ChallengeConfig::builder().realm(REALM).build().expect("a realm");
    Router::new()
        .route("/orders/1/shipping", get(shipping))
        .with_state(exchanger)
        .layer(AuthLayer::from(
            Authenticator::new(issuer.validator()).challenge(challenge),
        ))
}

#[tokio::test]
async fn a_covered_narrowing_reaches_the_handler_with_the_narrowed_token() {
    let issuer = TestIssuer::new();
    let exchanger = issuer.exchanger_builder().scopes(REQUESTED).build().unwrap();
    let app = app(&issuer, exchanger);
    let token = issuer.token().scopes("order").sign();
    assert_exchanged(call(&app, "/orders/1/shipping", Some(&token)).await.parts());
}

#[tokio::test]
async fn a_narrowing_the_caller_does_not_cover_is_403() {
    let issuer = TestIssuer::new();
    let exchanger = issuer.exchanger_builder().scopes(REQUESTED).build().unwrap();
    let app = app(&issuer, exchanger);
    let token = issuer.token().scopes("order:item").sign();
    assert_not_covered(call(&app, "/orders/1/shipping", Some(&token)).await.parts());
}

#[tokio::test]
async fn an_unreachable_authorization_server_is_503_with_retry_after() {
    let issuer = TestIssuer::new();
    let exchanger = TokenExchanger::builder()
        .token_endpoint(closed_token_endpoint())
        .client_credentials("orders-api", "secret")
        .scopes(REQUESTED)
        .build()
        .unwrap();
    let app = app(&issuer, exchanger);
    let token = issuer.token().scopes("order").sign();
    assert_unavailable(call(&app, "/orders/1/shipping", Some(&token)).await.parts());
}

#[tokio::test]
async fn an_exchange_the_authorization_server_refuses_is_403() {
    // The exchanger's issuer did not sign the caller's token: `invalid_grant`.
    let issuer = TestIssuer::new();
    let exchanger = TestIssuer::new()
        .exchanger_builder()
        .scopes(REQUESTED)
        .build()
        .unwrap();
    let app = app(&issuer, exchanger);
    let token = issuer.token().scopes("order").sign();
    assert_not_covered(call(&app, "/orders/1/shipping", Some(&token)).await.parts());
}
