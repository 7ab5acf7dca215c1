//! SPEC §5's gRPC part at the tower level: a denied gRPC call (a
//! `content-type` starting with `application/grpc`) is a Trailers-Only
//! answer with the `grpc-status` of its SPEC §4 answer, the percent-encoded
//! `error_description` as `grpc-message` and the challenge as
//! `www-authenticate` metadata; other requests keep their HTTP answers.
//! Requirements per method through `MethodScopes`.
#![cfg(feature = "grpc")]

use std::convert::Infallible;
use std::time::Duration;

use http::{Request, Response, StatusCode};
use scopeguard_core::error::{InvalidToken, Unavailable};
use scopeguard_core::grpc::{MethodScopes, UnknownMethods};
use scopeguard_core::request::{Authenticator, ScopeCheck};
use scopeguard_core::tower::{AuthLayer, RequireScope};
use scopeguard_core::{AuthError, ChallengeConfig, Principal, TokenValidator};
use tower::util::BoxCloneService;
use tower::{ServiceBuilder, ServiceExt};

const REALM: &str = "grpc-test";
const GET_ITEM: &str = "/inventory.v1.Inventory/GetItem";
const UNKNOWN: &str = "/inventory.v1.Inventory/Forget";

/// `order` grants `order`; `down` cannot be checked now; anything else is
/// malformed.
struct Tokens;

impl TokenValidator for Tokens {
    async fn validate(&self, token: &str) -> Result<Principal, AuthError> {
        match token {
            "order" | "inventory" => Ok(Principal::builder()
                .scopes(token.parse().expect("a scope"))
                .build()),
            "down" => Err(Unavailable::KeySet {
                retry_after: Duration::from_secs(30),
            }
            .into()),
            _ => Err(InvalidToken::Malformed.into()),
        }
    }
}

type Service = BoxCloneService<Request<String>, Response<Vec<u8>>, Infallible>;

fn reached() -> Service {
    BoxCloneService::new(tower::service_fn(|_: Request<String>| async {
        Ok::<_, Infallible>(Response::new(b"reached".to_vec()))
    }))
}

fn authenticator() -> AuthLayer<Tokens> {
    let challenge = ChallengeConfig::builder().realm(REALM).build().expect("a realm");
    AuthLayer::from(Authenticator::new(Tokens).challenge(challenge))
}

/// `AuthLayer` then `RequireScope("order:item")`.
fn scoped() -> Service {
    BoxCloneService::new(
        ServiceBuilder::new()
            .layer(authenticator())
            .layer(RequireScope::new("order:item"))
            .service(reached()),
    )
}

/// `AuthLayer` then a method map naming `GetItem`.
fn mapped(unknown: UnknownMethods) -> Service {
    let methods = MethodScopes::new()
        .method(GET_ITEM, "order:item")
        .authenticated("/inventory.v1.Inventory/Me")
        .unknown_methods(unknown);
    BoxCloneService::new(
        ServiceBuilder::new()
            .layer(authenticator())
            .layer(methods)
            .service(reached()),
    )
}

/// A gRPC call to `path` with this `authorization`, if any.
fn call(path: &str, authorization: Option<&str>) -> Request<String> {
    let mut request = Request::post(path).header("content-type", "application/grpc");
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    request.body(String::new()).expect("a request")
}

/// What a client sees of an answer.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    grpc_status: Option<String>,
    grpc_message: Option<String>,
    www_authenticate: Option<String>,
}

async fn send(service: Service, request: Request<String>) -> (Response<Vec<u8>>, Answer) {
    let response = service.oneshot(request).await.expect("infallible");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().expect("ASCII").to_owned())
    };
    let answer = Answer {
        grpc_status: header("grpc-status"),
        grpc_message: header("grpc-message"),
        www_authenticate: header("www-authenticate"),
    };
    (response, answer)
}

/// A denial as gRPC: Trailers-Only (HTTP 200, `application/grpc`, no body).
async fn denied(service: Service, request: Request<String>) -> Answer {
    let (response, answer) = send(service, request).await;
    assert_eq!(response.status(), StatusCode::OK, "{answer:?}");
    assert_eq!(response.headers()["content-type"], "application/grpc");
    assert!(response.body().is_empty(), "Trailers-Only has no body");
    answer
}

fn grpc(status: u16, message: &str, challenge: Option<&str>) -> Answer {
    Answer {
        grpc_status: Some(status.to_string()),
        grpc_message: Some(message.to_owned()),
        www_authenticate: challenge.map(str::to_owned),
    }
}

#[tokio::test]
async fn no_token_is_unauthenticated_with_the_bare_challenge() {
    let answer = denied(scoped(), call(GET_ITEM, None)).await;
    assert_eq!(
        answer,
        grpc(16, "no bearer token", Some(r#"Bearer realm="grpc-test""#))
    );
}

#[tokio::test]
async fn malformed_credentials_are_invalid_argument() {
    let answer = denied(scoped(), call(GET_ITEM, Some("Bearer a b c"))).await;
    assert_eq!(
        answer,
        grpc(
            3,
            "the bearer token is malformed",
            Some(
                r#"Bearer realm="grpc-test", error="invalid_request", error_description="the bearer token is malformed""#
            ),
        )
    );
}

#[tokio::test]
async fn an_invalid_token_is_unauthenticated_with_invalid_token() {
    let answer = denied(scoped(), call(GET_ITEM, Some("Bearer forged"))).await;
    assert_eq!(
        answer,
        grpc(
            16,
            "the token is malformed",
            Some(
                r#"Bearer realm="grpc-test", error="invalid_token", error_description="the token is malformed""#
            ),
        )
    );
}

#[tokio::test]
async fn a_missing_scope_is_permission_denied_naming_the_scope() {
    let answer = denied(scoped(), call(GET_ITEM, Some("Bearer inventory"))).await;
    assert_eq!(
        answer,
        grpc(
            7,
            "insufficient scope",
            Some(
                r#"Bearer realm="grpc-test", error="insufficient_scope", error_description="insufficient scope", scope="order:item""#
            ),
        )
    );
}

#[tokio::test]
async fn keys_unavailable_is_unavailable_with_retry_after_and_no_challenge() {
    let (response, answer) = send(scoped(), call(GET_ITEM, Some("Bearer down"))).await;
    assert_eq!(
        answer,
        grpc(14, "the signing keys are temporarily unavailable", None)
    );
    assert_eq!(response.headers()["retry-after"], "30");
}

#[tokio::test]
async fn a_scope_check_without_the_authentication_layer_is_internal() {
    let unprotected = BoxCloneService::new(
        ServiceBuilder::new()
            .layer(RequireScope::new("order:item"))
            .service(reached()),
    );
    let answer = denied(unprotected, call(GET_ITEM, Some("Bearer order"))).await;
    assert_eq!(answer, grpc(13, "the server cannot authorize this request", None));
}

#[tokio::test]
async fn an_allowed_call_reaches_the_service() {
    let (response, answer) = send(scoped(), call(GET_ITEM, Some("Bearer order"))).await;
    assert_eq!(response.body(), b"reached");
    assert_eq!(answer.grpc_status, None);
}

#[tokio::test]
async fn any_grpc_content_type_is_answered_as_grpc() {
    for content_type in [
        "application/grpc+proto",
        "application/grpc-web",
        "Application/GRPC",
    ] {
        let mut request = call(GET_ITEM, None);
        request
            .headers_mut()
            .insert("content-type", content_type.parse().expect("a value"));
        let answer = denied(scoped(), request).await;
        assert_eq!(answer.grpc_status.as_deref(), Some("16"), "{content_type}");
    }
}

#[tokio::test]
async fn other_requests_keep_their_http_answers() {
    let request = Request::get("/orders/7/items")
        .body(String::new())
        .expect("a request");
    let (response, answer) = send(scoped(), request).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(answer.grpc_status, None);
    let request = Request::get("/orders/7/items")
        .header("content-type", "application/json")
        .header("authorization", "Bearer inventory")
        .body(String::new())
        .expect("a request");
    let (response, _) = send(scoped(), request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_method_map_checks_the_requirement_of_the_called_method() {
    let (response, _) = send(mapped(UnknownMethods::Deny), call(GET_ITEM, Some("Bearer order"))).await;
    assert_eq!(response.body(), b"reached");
    let answer = denied(
        mapped(UnknownMethods::Deny),
        call(GET_ITEM, Some("Bearer inventory")),
    )
    .await;
    assert_eq!(answer.grpc_status.as_deref(), Some("7"));
    assert!(
        answer
            .www_authenticate
            .expect("a challenge")
            .ends_with(r#"scope="order:item""#)
    );
}

#[tokio::test]
async fn an_authenticated_method_needs_a_token_and_no_scope() {
    let me = "/inventory.v1.Inventory/Me";
    let (response, _) = send(mapped(UnknownMethods::Deny), call(me, Some("Bearer inventory"))).await;
    assert_eq!(response.body(), b"reached");
    let answer = denied(mapped(UnknownMethods::Deny), call(me, None)).await;
    assert_eq!(answer.grpc_status.as_deref(), Some("16"));
}

#[tokio::test]
async fn unknown_methods_are_denied_by_default_after_the_credentials() {
    let answer = denied(
        mapped(UnknownMethods::default()),
        call(UNKNOWN, Some("Bearer order")),
    )
    .await;
    assert_eq!(
        answer,
        grpc(
            7,
            "insufficient scope",
            Some(
                r#"Bearer realm="grpc-test", error="insufficient_scope", error_description="insufficient scope""#
            ),
        )
    );
    let answer = denied(mapped(UnknownMethods::default()), call(UNKNOWN, None)).await;
    assert_eq!(answer.grpc_status.as_deref(), Some("16"));
}

#[tokio::test]
async fn unknown_methods_can_be_allowed_or_given_a_requirement() {
    let (response, _) = send(mapped(UnknownMethods::Allow), call(UNKNOWN, None)).await;
    assert_eq!(response.body(), b"reached");
    let require = || UnknownMethods::Require(ScopeCheck::new("inventory"));
    let (response, _) = send(mapped(require()), call(UNKNOWN, Some("Bearer inventory"))).await;
    assert_eq!(response.body(), b"reached");
    let answer = denied(mapped(require()), call(UNKNOWN, Some("Bearer order"))).await;
    assert_eq!(answer.grpc_status.as_deref(), Some("7"));
}

#[tokio::test]
async fn the_method_map_without_the_authentication_layer_is_internal() {
    let methods = MethodScopes::new().method(GET_ITEM, "order:item");
    let unprotected = BoxCloneService::new(ServiceBuilder::new().layer(methods).service(reached()));
    let answer = denied(unprotected.clone(), call(GET_ITEM, None)).await;
    assert_eq!(answer.grpc_status.as_deref(), Some("13"));
    let answer = denied(unprotected, call(UNKNOWN, None)).await;
    assert_eq!(answer.grpc_status.as_deref(), Some("13"));
}
