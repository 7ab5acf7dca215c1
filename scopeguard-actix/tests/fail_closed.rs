//! Fail closed (SPEC §4): optional authentication that still answers a
//! misconfiguration, and the `error!` log of every scope check that runs
//! without the authentication middleware.

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
mod support;

use actix_web::http::StatusCode;
use actix_web::{App, test, web};
use captured_logs::capture;
use scopeguard_actix::{
    AuthMiddleware, MaybePrincipal, Principal, RequireScope, ScopeGuard, Scoped, requires_scope, scope,
};
use support::{FixedTokens, assert_server_error, get};

scope!(OrderItem = "order:item");

#[requires_scope("tenant-{tenant}")]
async fn tenant() -> &'static str {
    "tenant"
}

async fn greeting(MaybePrincipal(caller): MaybePrincipal) -> String {
    caller.map_or_else(
        || "anonymous".to_owned(),
        |principal| principal.sub().unwrap_or_default().to_owned(),
    )
}

#[derive(Debug, serde::Deserialize)]
struct Tenant {
    #[allow(dead_code)]
    region: String,
}

async fn regional(MaybePrincipal(caller): MaybePrincipal<Tenant>) -> &'static str {
    if caller.is_some() { "regional" } else { "anonymous" }
}

#[actix_web::test]
async fn maybe_principal_is_the_caller_or_none() {
    let app = test::init_service(
        App::new()
            .route("/greeting", web::get().to(greeting))
            .wrap(AuthMiddleware::new(FixedTokens)),
    )
    .await;
    let anonymous = get(&app, "/greeting", None).await.body;
    assert_eq!(anonymous, "anonymous");
    let reader = get(&app, "/greeting", Some("reader")).await.body;
    assert_eq!(reader, "reader");
    // An invalid token is answered by the middleware, never turned into `None`.
    let expired = get(&app, "/greeting", Some("expired")).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn maybe_principal_without_the_middleware_is_500() {
    let app = test::init_service(App::new().route("/greeting", web::get().to(greeting))).await;
    for token in [None, Some("reader")] {
        let answer = get(&app, "/greeting", token).await;
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR, "{token:?}");
    }
}

#[actix_web::test]
async fn maybe_principal_with_claims_that_do_not_fit_is_401() {
    let app = test::init_service(
        App::new()
            .route("/regional", web::get().to(regional))
            .wrap(AuthMiddleware::new(FixedTokens)),
    )
    .await;
    let anonymous = get(&app, "/regional", None).await.body;
    assert_eq!(anonymous, "anonymous");
    // The token has no `region` claim: not an anonymous caller but a 401.
    let answer = get(&app, "/regional", Some("reader")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn every_scope_check_without_the_middleware_logs_an_error() {
    let app = test::init_service(
        App::new()
            .service(
                web::resource("/layer")
                    .wrap(RequireScope::new("order:item"))
                    .route(web::get().to(|| async { "items" })),
            )
            .route(
                "/extractor",
                web::get().to(|_: Scoped<OrderItem>| async { "items" }),
            )
            .route("/me", web::get().to(|_: Principal| async { "me" })),
    )
    .await;
    for path in ["/layer", "/extractor", "/me"] {
        let (captured, _guard) = capture();
        let answer = get(&app, path, Some("reader")).await;
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        let logged = captured.text();
        assert!(logged.contains("ERROR"), "{path}: {logged}");
        assert!(!logged.contains("Bearer reader"), "{path}: {logged}");
    }
}

#[actix_web::test]
async fn a_scope_guard_without_the_middleware_logs_an_error_and_does_not_match() {
    let app = test::init_service(
        App::new().service(
            web::resource("/orders")
                .route(web::get().guard(ScopeGuard::new("order")).to(|| async { "full" }))
                .route(web::get().to(|| async { "summary" })),
        ),
    )
    .await;
    let (captured, _guard) = capture();
    let body = get(&app, "/orders", Some("reader")).await.body;
    assert_eq!(body, "summary");
    let logged = captured.text();
    assert!(logged.contains("ERROR"), "{logged}");
    assert!(logged.contains("AuthMiddleware"), "{logged}");
}

/// A 500 with the server-error body and no challenge to a GET of `path`
/// with the `reader` token, and an `error!` event with `reason`, without the
/// token.
async fn assert_misconfigured<S, B>(app: &S, path: &str, reason: &str)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (captured, _guard) = capture();
    let answer = get(app, path, Some("reader")).await;
    assert_server_error(answer.parts(), path);
    let logged = captured.text();
    assert!(logged.contains("ERROR"), "{path}: {logged}");
    assert!(
        logged.contains(&format!("reason=\"{reason}\"")),
        "{path}: {logged}"
    );
    assert!(!logged.contains("Bearer reader"), "{path}: {logged}");
}

#[actix_web::test]
async fn a_template_parameter_missing_from_the_route_is_500_and_an_error_event() {
    let app = test::init_service(
        App::new()
            .service(
                web::resource("/layer")
                    .wrap(RequireScope::new("tenant-{tenant}"))
                    .route(web::get().to(|| async { "tenant" })),
            )
            .route("/macro", web::get().to(tenant))
            .wrap(AuthMiddleware::new(FixedTokens)),
    )
    .await;
    for path in ["/layer", "/macro"] {
        assert_misconfigured(&app, path, "missing_template_parameter").await;
    }
}

#[actix_web::test]
async fn a_template_on_the_app_is_500_and_an_error_event_even_when_the_route_has_the_parameter() {
    // On an `App`, the middleware runs before routing: `match_info` is empty,
    // whatever the routes declare.
    let app = test::init_service(
        App::new()
            .route("/tenants/{tenant}", web::get().to(|| async { "tenant" }))
            .route("/plain", web::get().to(|| async { "plain" }))
            .wrap(RequireScope::new("tenant-{tenant}"))
            .wrap(AuthMiddleware::new(FixedTokens)),
    )
    .await;
    for path in ["/tenants/acme", "/plain"] {
        assert_misconfigured(&app, path, "missing_template_parameter").await;
    }
}
