//! SPEC §3.5 and §4 over HTTP: `RequireScope` routes behind `AuthLayer`s
//! whose validators introspect opaque tokens at a loopback endpoint, run
//! through the shared case table (the actix suite runs the same table).
#![cfg(feature = "introspection")]

#[path = "../../test-support/shared/introspection_cases.rs"]
mod introspection_cases;
#[path = "../../test-support/shared/introspection_server.rs"]
mod introspection_server;
mod support;

use axum::Router;
use axum::routing::get;
use introspection_cases::{
    CASES, COMBINED, Case, DOWN, HANDLER_BODY, INTROSPECTED, REALM, REQUIRED, ROUTE, STEP_UP_REQUIRED,
    STEP_UP_ROUTE, Validators,
};
use introspection_server::IntrospectionServer;
use scopeguard_axum::Authenticator;
use scopeguard_axum::core::TokenValidator;
use scopeguard_axum::{AuthLayer, ChallengeConfig, RequireScope};

/// [`ROUTE`] and [`STEP_UP_ROUTE`] under `prefix`, requiring [`REQUIRED`]
/// and [`STEP_UP_REQUIRED`], behind an `AuthLayer` with `validator`.
fn route<V>(prefix: &str, validator: V) -> Router
where
    V: TokenValidator + Clone + Send + Sync + 'static,
{
    let challenge = ChallengeConfig::builder().realm(REALM).build().expect("a realm");
    let routes = Router::new()
        .route(
            ROUTE,
            get(|| async { HANDLER_BODY }).route_layer(RequireScope::new(REQUIRED)),
        )
        .route(
            STEP_UP_ROUTE,
            get(|| async { HANDLER_BODY }).route_layer(RequireScope::new(STEP_UP_REQUIRED)),
        );
    Router::new().nest(prefix, routes).layer(AuthLayer::from(
        Authenticator::new(validator).challenge(challenge),
    ))
}

fn app(validators: Validators) -> Router {
    route(INTROSPECTED, validators.introspection)
        .merge(route(DOWN, validators.down))
        .merge(route(COMBINED, validators.combined))
}

async fn check(app: &Router, case: &Case) {
    let answer = support::send(app, "GET", case.path, case.authorization().as_deref(), "").await;
    case.assert_answer(answer.parts());
}

#[tokio::test]
async fn every_introspection_case_over_http() {
    let server = IntrospectionServer::start().await;
    let app = app(introspection_cases::prepare(&server).await);
    for case in CASES {
        check(&app, case).await;
    }
    introspection_cases::assert_calls(&server);
}
