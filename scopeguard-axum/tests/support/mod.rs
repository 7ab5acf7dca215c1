//! A validator with fixed tokens, and helpers to call a router.

#![allow(dead_code, unreachable_pub)]

use axum::Router;
use axum::body::{Body, to_bytes};
use http::{HeaderValue, Request, StatusCode};
use scopeguard_axum::Authenticator;
use scopeguard_axum::{AuthLayer, ChallengeConfig};
use tower::ServiceExt;

#[path = "../../../test-support/shared/tokens.rs"]
mod tokens;

#[allow(unused_imports, reason = "not every test file uses the fixed tokens")]
pub(crate) use tokens::FixedTokens;

#[path = "../../../test-support/shared/denials.rs"]
mod denials;

#[allow(unused_imports, reason = "not every test file checks these denials")]
pub(crate) use denials::{REALM, assert_insufficient_scope, assert_missing_token, assert_server_error};

/// The authentication layer with [`FixedTokens`] and realm [`REALM`].
pub fn auth_layer() -> AuthLayer<FixedTokens> {
    let challenge = ChallengeConfig::builder()
        .realm(REALM)
        .build()
        .expect("a valid realm");
    AuthLayer::from(Authenticator::new(FixedTokens).challenge(challenge))
}

/// What a router answered.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub challenge: Option<String>,
    pub retry_after: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

impl Answer {
    /// Status, `WWW-Authenticate`, `Retry-After`, `Content-Type` and body,
    /// as the shared case tables compare them.
    pub fn parts(&self) -> (u16, Option<&str>, Option<&str>, Option<&str>, &str) {
        (
            self.status.as_u16(),
            self.challenge.as_deref(),
            self.retry_after.as_deref(),
            self.content_type.as_deref(),
            &self.body,
        )
    }
}

/// Sends `method path` with an optional `Authorization` value and body.
pub async fn send(app: &Router, method: &str, path: &str, authorization: Option<&str>, body: &str) -> Answer {
    send_with_headers(app, method, path, authorization.map(str::as_bytes), body).await
}

/// Sends `method path` with one `Authorization` header per value (as bytes,
/// sent as they are) and, if not empty, a JSON `body`.
pub async fn send_with_headers<V: AsRef<[u8]>>(
    app: &Router,
    method: &str,
    path: &str,
    authorization: impl IntoIterator<Item = V>,
    body: &str,
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    for value in authorization {
        let value = HeaderValue::from_bytes(value.as_ref()).expect("a header value");
        request = request.header("authorization", value);
    }
    if !body.is_empty() {
        request = request.header("content-type", "application/json");
    }
    let request = request
        .body(Body::from(body.to_owned()))
        .expect("a valid request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().expect("ASCII header").to_owned())
    };
    let (status, challenge, retry_after, content_type) = (
        response.status(),
        header("www-authenticate"),
        header("retry-after"),
        header("content-type"),
    );
    let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("a body");
    Answer {
        status,
        challenge,
        retry_after,
        content_type,
        body: String::from_utf8(bytes.to_vec()).expect("UTF-8 body"),
    }
}

/// Sends a GET with a bearer token.
pub async fn get(app: &Router, path: &str, token: Option<&str>) -> Answer {
    let authorization = token.map(|token| format!("Bearer {token}"));
    send(app, "GET", path, authorization.as_deref(), "").await
}
