//! The tower layers around a plain `tower::service_fn`, without axum's router.

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
mod support;

use scopeguard_axum::Authenticator;
use std::convert::Infallible;

use captured_logs::capture;
use http::{Request, Response, StatusCode};
use scopeguard_axum::core::tower::{AuthLayer, RequireScope, RouteParams};
use support::FixedTokens;
use tower::{ServiceBuilder, ServiceExt};

/// What the stack answered.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    challenge: Option<String>,
    retry_after: Option<String>,
    content_type: Option<String>,
    body: String,
}

async fn answer<S>(service: S, request: Request<String>) -> Answer
where
    S: tower::Service<Request<String>, Response = Response<Vec<u8>>, Error = Infallible>,
{
    let response = service.oneshot(request).await.expect("infallible");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().expect("ASCII").to_owned())
    };
    Answer {
        status: response.status(),
        challenge: header("www-authenticate"),
        retry_after: header("retry-after"),
        content_type: header("content-type"),
        body: String::from_utf8(response.into_body()).expect("UTF-8"),
    }
}

fn request(token: Option<&str>, params: Option<RouteParams>) -> Request<String> {
    let mut request = Request::get("/").body(String::new()).expect("a request");
    if let Some(token) = token {
        request.headers_mut().insert(
            "authorization",
            format!("Bearer {token}").parse().expect("a header value"),
        );
    }
    if let Some(params) = params {
        request.extensions_mut().insert(params);
    }
    request
}

async fn call_full(token: Option<&str>, params: Option<RouteParams>, requirement: &str) -> Answer {
    let service = ServiceBuilder::new()
        .layer(AuthLayer::new(FixedTokens))
        .layer(RequireScope::new(requirement))
        .service_fn(|_: Request<String>| async { Ok::<_, Infallible>(Response::new(b"done".to_vec())) });
    answer(service, request(token, params)).await
}

async fn call(
    token: Option<&str>,
    params: Option<RouteParams>,
    requirement: &str,
) -> (StatusCode, Option<String>) {
    let answer = call_full(token, params, requirement).await;
    (answer.status, answer.challenge)
}

const SERVER_ERROR: &str =
    r#"{"error":"server_error","error_description":"the server cannot authorize this request"}"#;

#[tokio::test]
async fn each_denial_is_the_exact_spec_answer() {
    let cases = [
        (
            None,
            401,
            Some(r#"Bearer realm="scopeguard""#),
            None,
            r#"{"error":"missing_token","error_description":"no bearer token"}"#,
        ),
        (
            Some("expired"),
            401,
            Some(
                r#"Bearer realm="scopeguard", error="invalid_token", error_description="the token has expired""#,
            ),
            None,
            r#"{"error":"invalid_token","error_description":"the token has expired"}"#,
        ),
        (
            Some("a,b"),
            400,
            Some(
                r#"Bearer realm="scopeguard", error="invalid_request", error_description="the bearer token is malformed""#,
            ),
            None,
            r#"{"error":"invalid_request","error_description":"the bearer token is malformed"}"#,
        ),
        (
            Some("nobody"),
            403,
            Some(
                r#"Bearer realm="scopeguard", error="insufficient_scope", error_description="insufficient scope", scope="order:item""#,
            ),
            None,
            r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"order:item"}"#,
        ),
        (
            Some("keys-down"),
            503,
            None,
            Some("30"),
            r#"{"error":"temporarily_unavailable","error_description":"the signing keys are temporarily unavailable"}"#,
        ),
        (Some("reader"), 200, None, None, "done"),
    ];
    for (token, status, challenge, retry_after, body) in cases {
        let answer = call_full(token, None, "order:item").await;
        assert_eq!(answer.status.as_u16(), status, "{token:?}");
        assert_eq!(answer.challenge.as_deref(), challenge, "{token:?}");
        assert_eq!(answer.retry_after.as_deref(), retry_after, "{token:?}");
        assert_eq!(answer.body, body, "{token:?}");
        if status != 200 {
            assert_eq!(
                answer.content_type.as_deref(),
                Some("application/json"),
                "{token:?}"
            );
        }
    }
}

#[tokio::test]
async fn service_fn_is_protected_by_the_layers() {
    assert_eq!(call(Some("reader"), None, "order:item").await.0, StatusCode::OK);
    assert_eq!(
        call(Some("nobody"), None, "order:item").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(call(None, None, "order:item").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        call(Some("expired"), None, "order:item").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn plain_tower_templates_read_the_route_params_extension() {
    let params = || Some(RouteParams::from([("tx", "42")]));
    assert_eq!(
        call(Some("tx42"), params(), "transaction-{tx}").await.0,
        StatusCode::OK
    );
    let (status, challenge) = call(
        Some("tx42"),
        Some(RouteParams::from([("tx", "7")])),
        "transaction-{tx}",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(challenge.is_some_and(|c| c.ends_with(r#"scope="transaction-7""#)));
}

#[tokio::test(flavor = "current_thread")]
async fn template_parameter_missing_from_the_route_is_500_and_an_error_event() {
    let (captured, _guard) = capture();
    let answer = call_full(Some("tx42"), None, "transaction-{tx}").await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.challenge, None);
    assert_eq!(answer.body, SERVER_ERROR);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let logged = captured.text();
    assert!(logged.contains("ERROR"), "{logged}");
    assert!(
        logged.contains(r#"reason="missing_template_parameter""#),
        "{logged}"
    );
    assert!(!logged.contains("tx42"), "a token was logged: {logged}");
}

#[tokio::test(flavor = "current_thread")]
async fn require_scope_without_auth_layer_is_500_and_an_error_event() {
    let (captured, _guard) = capture();
    let service = ServiceBuilder::new()
        .layer(RequireScope::new("order:item"))
        .service_fn(|_: Request<String>| async { Ok::<_, Infallible>(Response::new(Vec::<u8>::new())) });
    let answer = answer(service, request(Some("reader"), None)).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.challenge, None);
    assert_eq!(answer.body, SERVER_ERROR);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let logged = captured.text();
    assert!(logged.contains("ERROR"), "{logged}");
    assert!(logged.contains(r#"reason="missing_auth_layer""#), "{logged}");
    assert!(!logged.contains("Bearer reader"), "a token was logged: {logged}");
}

#[tokio::test]
async fn cors_preflight_passes_through_require_scope_when_asked() {
    let service = |skip: bool| {
        ServiceBuilder::new()
            .layer(AuthLayer::from(
                Authenticator::new(FixedTokens).skip_cors_preflight(skip),
            ))
            .layer(RequireScope::new("order:item"))
            .service_fn(|_: Request<String>| async {
                Ok::<_, Infallible>(Response::new(b"preflight".to_vec()))
            })
    };
    let options = |preflight: bool| {
        let mut request = Request::options("/").header("authorization", "Bearer expired");
        if preflight {
            request = request.header("access-control-request-method", "PUT");
        }
        request.body(String::new()).expect("a request")
    };
    let anonymous_preflight = || {
        Request::options("/")
            .header("access-control-request-method", "PUT")
            .body(String::new())
            .expect("a request")
    };
    // A preflight, with an invalid token or none, reaches the inner service
    // through both the authentication layer and the scope check.
    for request in [options(true), anonymous_preflight()] {
        let answer = answer(service(true), request).await;
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (StatusCode::OK, "preflight")
        );
        assert_eq!(answer.challenge, None);
    }
    // Only preflights pass: a plain OPTIONS is checked as usual.
    let plain = answer(service(true), options(false)).await;
    assert_eq!(plain.status, StatusCode::UNAUTHORIZED);
    let plain_anonymous = answer(
        service(true),
        Request::options("/").body(String::new()).expect("a request"),
    )
    .await;
    assert_eq!(plain_anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        plain_anonymous.challenge.as_deref(),
        Some(r#"Bearer realm="scopeguard""#)
    );
    // Without the option, a preflight is checked like any request.
    let strict = answer(service(false), options(true)).await;
    assert_eq!(strict.status, StatusCode::UNAUTHORIZED);
    let strict_anonymous = answer(service(false), anonymous_preflight()).await;
    assert_eq!(strict_anonymous.status, StatusCode::UNAUTHORIZED);
}
