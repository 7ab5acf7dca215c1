//! actix-specific behaviour: guards, CORS preflight, misconfiguration, typed
//! claims, custom bodies.

mod support;

use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, test, web};
use scopeguard_actix::Authenticator;
use scopeguard_actix::{
    AuthError, AuthMiddleware, ErrorResponse, Principal, RequireScope, ScopeGuard, Scoped, scope,
};
use support::{FixedTokens, assert_server_error, call_request, get, send};

scope!(OrderItem = "order:item");

#[actix_web::test]
async fn guard_routes_by_scope_and_falls_through() {
    let app = test::init_service(
        App::new()
            .service(
                web::resource("/orders")
                    .route(web::get().guard(ScopeGuard::new("order")).to(|| async { "full" }))
                    .route(web::get().to(|| async { "summary" })),
            )
            .service(
                web::resource("/admin").route(
                    web::get()
                        .guard(ScopeGuard::new("admin"))
                        .to(|| async { "admin" }),
                ),
            )
            .wrap(AuthMiddleware::new(FixedTokens)),
    )
    .await;
    assert_eq!(get(&app, "/orders", Some("reader")).await.body, "full");
    assert_eq!(get(&app, "/orders", Some("nobody")).await.body, "summary");
    assert_eq!(get(&app, "/orders", None).await.body, "summary");
    // A failing guard routes; it does not deny: with no route left on the
    // resource, actix answers 405, never 403.
    assert_eq!(
        get(&app, "/admin", Some("reader")).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[actix_web::test]
async fn guard_fall_through_outside_a_resource_is_404() {
    let app = test::init_service(
        App::new()
            // On the only route of `App::route`: 404 (unlike the guarded
            // route of a `web::resource`, 405: see the test above).
            .route(
                "/route",
                web::get()
                    .guard(ScopeGuard::new("admin"))
                    .to(|| async { "admin" }),
            )
            // On a resource or a scope: nothing matched the path: 404.
            .service(
                web::resource("/resource")
                    .guard(ScopeGuard::new("admin"))
                    .route(web::get().to(|| async { "admin" })),
            )
            .service(
                web::scope("/scope")
                    .guard(ScopeGuard::new("admin"))
                    .route("/reports", web::get().to(|| async { "admin" })),
            )
            .wrap(AuthMiddleware::new(FixedTokens)),
    )
    .await;
    for token in [Some("reader"), None] {
        for path in ["/route", "/resource", "/scope/reports"] {
            let answer = get(&app, path, token).await;
            assert_eq!(
                (answer.status, answer.challenge),
                (StatusCode::NOT_FOUND, None),
                "{path} {token:?}"
            );
        }
    }
}

#[actix_web::test]
async fn guard_refuses_template_requirements() {
    assert!(ScopeGuard::try_new("transaction-{tx}").is_err());
    assert!(ScopeGuard::try_new("two words").is_err());
}

#[actix_web::test]
async fn cors_preflight_is_never_challenged_when_asked() {
    let app = |skip: bool| {
        test::init_service(
            App::new()
                .service(
                    web::resource("/items")
                        .wrap(RequireScope::new("order:item"))
                        .route(web::put().to(|| async { "updated" }))
                        .route(
                            web::method(actix_web::http::Method::OPTIONS)
                                .to(|| async { HttpResponse::NoContent().finish() }),
                        ),
                )
                .wrap(AuthMiddleware::from(
                    Authenticator::new(FixedTokens).skip_cors_preflight(skip),
                )),
        )
    };
    let preflight = || {
        test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/items")
            .insert_header(("access-control-request-method", "PUT"))
            .insert_header(("authorization", "Bearer expired"))
            .to_request()
    };
    let skipping = app(true).await;
    let answer = call_request(&skipping, preflight()).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.challenge.is_none());
    // Only preflights pass: a plain OPTIONS is checked as usual.
    assert_eq!(
        send(&skipping, "OPTIONS", "/items", None, "").await.status,
        StatusCode::UNAUTHORIZED
    );

    let strict = app(false).await;
    let answer = call_request(&strict, preflight()).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn missing_auth_middleware_is_500_never_an_allow() {
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
        let answer = get(&app, path, Some("reader")).await;
        assert_server_error(answer.parts(), path);
    }
}

#[derive(serde::Deserialize)]
struct Tenant {
    tenant: String,
}

#[actix_web::test]
async fn typed_claims_and_optional_principal() {
    let app = test::init_service(
        App::new()
            .route(
                "/tenant",
                web::get().to(|principal: Principal<Tenant>| async move { principal.claims.tenant }),
            )
            .route(
                "/scoped-tenant",
                web::get().to(|scoped: Scoped<OrderItem, Tenant>| async move { scoped.claims.tenant }),
            )
            .route(
                "/maybe",
                web::get().to(|principal: Option<Principal>| async move {
                    principal.map_or_else(
                        || "anonymous".to_owned(),
                        |principal| principal.sub().unwrap_or_default().to_owned(),
                    )
                }),
            )
            .wrap(AuthMiddleware::new(FixedTokens)),
    )
    .await;
    assert_eq!(get(&app, "/tenant", Some("reader")).await.body, "acme");
    assert_eq!(get(&app, "/scoped-tenant", Some("reader")).await.body, "acme");
    assert_eq!(
        get(&app, "/scoped-tenant", Some("nobody")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(get(&app, "/maybe", None).await.body, "anonymous");
    assert_eq!(get(&app, "/maybe", Some("reader")).await.body, "reader");
}

#[actix_web::test]
async fn custom_body_keeps_status_and_challenge() {
    let body = |error: &AuthError, response: ErrorResponse| {
        response.with_body(
            actix_web::http::header::HeaderValue::from_static("text/plain")
                .to_str()
                .expect("ASCII")
                .parse()
                .expect("a header value"),
            format!("denied: {}", error.label()),
        )
    };
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
            .wrap(AuthMiddleware::from(
                Authenticator::new(FixedTokens).error_body(body),
            )),
    )
    .await;
    for path in ["/layer", "/extractor"] {
        let answer = get(&app, path, Some("nobody")).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(answer.content_type.as_deref(), Some("text/plain"), "{path}");
        assert_eq!(
            answer.challenge.as_deref(),
            Some(
                r#"Bearer realm="scopeguard", error="insufficient_scope", error_description="insufficient scope", scope="order:item""#
            ),
            "{path}"
        );
        assert_eq!(answer.body, "denied: insufficient_scope", "{path}");
    }
}

#[actix_web::test]
async fn require_scope_on_a_scope_covers_its_routes() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/inventory")
                    .wrap(RequireScope::new("inventory"))
                    .route("/{id}/price", web::get().to(|| async { "price" })),
            )
            .wrap(AuthMiddleware::new(FixedTokens)),
    )
    .await;
    assert_eq!(
        get(&app, "/inventory/1/price", Some("reader")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&app, "/inventory/1/price", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn require_scope_on_a_scope_fills_the_template_from_the_scope_match_info() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/tx/{tx}")
                    .wrap(RequireScope::new("transaction-{tx}"))
                    .route("/approve", web::post().to(|| async { "approved" }))
                    .route("/refund", web::post().to(|| async { "refunded" })),
            )
            .wrap(AuthMiddleware::new(FixedTokens)),
    )
    .await;
    let approved = send(&app, "POST", "/tx/42/approve", Some("tx42"), "").await;
    assert_eq!(
        (approved.status, approved.challenge, approved.body),
        (StatusCode::OK, None, "approved".to_owned())
    );
    let refunded = send(&app, "POST", "/tx/42/refund", Some("tx42"), "").await;
    assert_eq!(
        (refunded.status, refunded.challenge, refunded.body),
        (StatusCode::OK, None, "refunded".to_owned())
    );
    let other = send(&app, "POST", "/tx/7/approve", Some("tx42"), "").await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other.challenge.as_deref(),
        Some(
            r#"Bearer realm="scopeguard", error="insufficient_scope", error_description="insufficient scope", scope="transaction-7""#
        )
    );
    // Exactly: `transaction-42` does not cover `transaction-420`.
    assert_eq!(
        send(&app, "POST", "/tx/420/approve", Some("tx42"), "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&app, "POST", "/tx/42/approve", None, "").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn require_scope_on_the_app_covers_every_route() {
    let app = test::init_service(
        App::new()
            .route("/a", web::get().to(|| async { "a" }))
            .route("/b", web::get().to(|| async { "b" }))
            .wrap(RequireScope::new("order:item"))
            .wrap(AuthMiddleware::new(FixedTokens)),
    )
    .await;
    for path in ["/a", "/b"] {
        assert_eq!(
            get(&app, path, Some("reader")).await.status,
            StatusCode::OK,
            "{path}"
        );
        assert_eq!(
            get(&app, path, Some("nobody")).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(
            get(&app, path, None).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
}

#[::core::prelude::v1::test]
fn try_new_says_why_a_requirement_does_not_parse() {
    use scopeguard_actix::core::RequirementErrorKind;

    let error = RequireScope::try_new("\"inventory\\price\"").expect_err("a backslash is no scope character");
    assert!(
        matches!(error.kind(), RequirementErrorKind::InvalidScope(_)),
        "{:?}",
        error.kind()
    );
    assert!(RequireScope::try_new("all()").is_err());
    assert!(RequireScope::try_new("").is_err());
    let middleware = RequireScope::try_new("any(inventory:sales, report:read)").expect("a valid requirement");
    assert_eq!(
        middleware.requirement().to_string(),
        "any(inventory:sales, report:read)"
    );
}

#[::core::prelude::v1::test]
#[should_panic(expected = "invalid scope requirement")]
fn new_panics_on_a_requirement_that_does_not_parse() {
    let _ = RequireScope::new("\"inventory\\price\"");
}

#[::core::prelude::v1::test]
fn scope_guard_takes_a_requirement_or_its_string_form() {
    use scopeguard_actix::{Requirement, ScopeGuardError};

    let parsed = Requirement::parse("all(admin:read, audit:read)").expect("a valid requirement");
    let from_parsed = ScopeGuard::new(parsed.clone());
    let from_text = ScopeGuard::new("all(admin:read, audit:read)");
    assert_eq!(from_parsed.requirement(), from_text.requirement());
    assert_eq!(
        ScopeGuard::try_new(parsed)
            .map(|guard| guard.requirement().clone())
            .ok(),
        Some(from_text.requirement().clone())
    );
    assert!(matches!(
        ScopeGuard::try_new(String::from("two words")),
        Err(ScopeGuardError::Requirement(_))
    ));
    let template = Requirement::parse("transaction-{tx}").expect("a valid template");
    assert!(matches!(
        ScopeGuard::try_new(template),
        Err(ScopeGuardError::Template)
    ));
}

#[::core::prelude::v1::test]
#[should_panic(expected = "invalid scope guard")]
fn scope_guard_new_panics_on_a_template() {
    let _ = ScopeGuard::new("transaction-{tx}");
}

mod cors {
    use actix_cors::Cors;
    use actix_web::http::Method;
    use actix_web::{App, test, web};

    use super::{AuthMiddleware, Authenticator, FixedTokens, RequireScope, StatusCode, call_request};

    const ORIGIN: &str = "https://app.example";

    fn cors() -> Cors {
        Cors::default()
            .allowed_origin(ORIGIN)
            .allowed_methods(["GET", "PUT"])
            .allowed_header("authorization")
            .expose_headers(["www-authenticate"])
    }

    fn preflight() -> actix_http::Request {
        test::TestRequest::default()
            .method(Method::OPTIONS)
            .uri("/items")
            .insert_header(("origin", ORIGIN))
            .insert_header(("access-control-request-method", "PUT"))
            .insert_header(("access-control-request-headers", "authorization"))
            .to_request()
    }

    fn put(token: Option<&str>) -> actix_http::Request {
        let request = test::TestRequest::put()
            .uri("/items")
            .insert_header(("origin", ORIGIN));
        match token {
            Some(token) => request.insert_header(("authorization", format!("Bearer {token}"))),
            None => request,
        }
        .to_request()
    }

    #[actix_web::test]
    async fn cors_outside_the_auth_middleware_answers_preflights_and_decorates_denials() {
        let app = test::init_service(
            App::new()
                .service(
                    web::resource("/items")
                        .wrap(RequireScope::new("order:item"))
                        .route(web::put().to(|| async { "updated" })),
                )
                .wrap(AuthMiddleware::from(
                    Authenticator::new(FixedTokens).skip_cors_preflight(true),
                ))
                .wrap(cors()),
        )
        .await;

        let answer = call_request(&app, preflight()).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
        assert!(
            answer
                .header("access-control-allow-methods")
                .is_some_and(|methods| methods.contains("PUT"))
        );
        assert_eq!(answer.header("www-authenticate"), None);

        // A real request without a token is still 401, and the browser can
        // read the answer and its challenge.
        let answer = call_request(&app, put(None)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            answer.header("www-authenticate"),
            Some(r#"Bearer realm="scopeguard""#)
        );
        assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
        assert!(
            answer
                .header("access-control-expose-headers")
                .is_some_and(|exposed| exposed.to_ascii_lowercase().contains("www-authenticate"))
        );

        let answer = call_request(&app, put(Some("nobody"))).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));

        let answer = call_request(&app, put(Some("reader"))).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));
    }

    #[actix_web::test]
    async fn cors_inside_the_auth_middleware_needs_skip_cors_preflight_and_misses_denials() {
        // A preflight carrying a stale token (as some clients send) reaches
        // `Cors` only when the middleware lets preflights through.
        let app = |skip: bool| {
            test::init_service(
                App::new()
                    .service(
                        web::resource("/items")
                            .wrap(RequireScope::new("order:item"))
                            .route(web::put().to(|| async { "updated" })),
                    )
                    .wrap(cors())
                    .wrap(AuthMiddleware::from(
                        Authenticator::new(FixedTokens).skip_cors_preflight(skip),
                    )),
            )
        };
        let stale_preflight = || {
            let mut request = preflight();
            request.headers_mut().insert(
                actix_web::http::header::AUTHORIZATION,
                actix_web::http::header::HeaderValue::from_static("Bearer expired"),
            );
            request
        };
        let skipping = app(true).await;
        let answer = call_request(&skipping, stale_preflight()).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));

        let strict = app(false).await;
        let answer = call_request(&strict, stale_preflight()).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);

        // The middleware answers an invalid token before `Cors` runs: no
        // CORS headers, so a browser cannot read the 401.
        let mut request = put(None);
        request.headers_mut().insert(
            actix_web::http::header::AUTHORIZATION,
            actix_web::http::header::HeaderValue::from_static("Bearer expired"),
        );
        let answer = call_request(&skipping, request).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.header("access-control-allow-origin"), None);
    }
}
