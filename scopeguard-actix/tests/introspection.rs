//! SPEC §3.5 and §4 over HTTP: `RequireScope` resources behind
//! `AuthMiddleware`s whose validators introspect opaque tokens at a loopback
//! endpoint, run through the shared case table (the axum suite runs the
//! same table).
#![cfg(feature = "introspection")]

#[path = "../../test-support/shared/introspection_cases.rs"]
mod introspection_cases;
#[path = "../../test-support/shared/introspection_server.rs"]
mod introspection_server;
mod support;

use actix_web::{App, test, web};
use introspection_cases::{
    CASES, COMBINED, DOWN, HANDLER_BODY, INTROSPECTED, REALM, REQUIRED, ROUTE, STEP_UP_REQUIRED,
    STEP_UP_ROUTE,
};
use introspection_server::IntrospectionServer;
use scopeguard_actix::Authenticator;
use scopeguard_actix::core::TokenValidator;
use scopeguard_actix::{AuthMiddleware, ChallengeConfig, RequireScope};

/// [`ROUTE`] and [`STEP_UP_ROUTE`] in a scope at `prefix`, requiring
/// [`REQUIRED`] and [`STEP_UP_REQUIRED`], behind an `AuthMiddleware` with
/// `validator`.
fn route<V>(
    prefix: &'static str,
    validator: V,
) -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
>
where
    V: TokenValidator + Clone + 'static,
{
    let challenge = ChallengeConfig::builder().realm(REALM).build().expect("a realm");
    web::scope(prefix)
        .wrap(AuthMiddleware::from(
            Authenticator::new(validator).challenge(challenge),
        ))
        .service(
            web::resource(ROUTE)
                .wrap(RequireScope::new(REQUIRED))
                .route(web::get().to(|| async { HANDLER_BODY })),
        )
        .service(
            web::resource(STEP_UP_ROUTE)
                .wrap(RequireScope::new(STEP_UP_REQUIRED))
                .route(web::get().to(|| async { HANDLER_BODY })),
        )
}

#[actix_web::test]
async fn every_introspection_case_over_http() {
    let server = IntrospectionServer::start().await;
    let validators = introspection_cases::prepare(&server).await;
    let app = test::init_service(
        App::new()
            .service(route(INTROSPECTED, validators.introspection))
            .service(route(DOWN, validators.down))
            .service(route(COMBINED, validators.combined)),
    )
    .await;
    for case in CASES {
        let answer = support::call(&app, "GET", case.path, case.authorization(), "").await;
        case.assert_answer(answer.parts());
    }
    introspection_cases::assert_calls(&server);
}
