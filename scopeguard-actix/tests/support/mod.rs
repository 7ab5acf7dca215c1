//! A validator with fixed tokens, and helpers to call an actix service.

#![allow(dead_code, unreachable_pub)]

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use actix_web::test;
use scopeguard_actix::Authenticator;
use scopeguard_actix::{AuthMiddleware, ChallengeConfig};

#[path = "../../../test-support/shared/tokens.rs"]
mod tokens;

#[allow(unused_imports, reason = "not every test file uses the fixed tokens")]
pub(crate) use tokens::FixedTokens;

#[path = "../../../test-support/shared/denials.rs"]
mod denials;

#[allow(unused_imports, reason = "not every test file checks these denials")]
pub(crate) use denials::{REALM, assert_insufficient_scope, assert_missing_token, assert_server_error};

/// The authentication middleware with [`FixedTokens`] and realm [`REALM`].
pub fn middleware() -> AuthMiddleware<FixedTokens> {
    let challenge = ChallengeConfig::builder()
        .realm(REALM)
        .build()
        .expect("a valid realm");
    AuthMiddleware::from(Authenticator::new(FixedTokens).challenge(challenge))
}

/// What a service answered.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub challenge: Option<String>,
    pub retry_after: Option<String>,
    pub content_type: Option<String>,
    /// Every header of the answer.
    pub headers: HeaderMap,
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

    /// The value of the header `name`, if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("ASCII header"))
    }
}

/// Calls `app` with `request` and reads the answer.
pub async fn call_request<S, B>(app: &S, request: actix_http::Request) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = test::call_service(app, request).await;
    let headers = response.headers().clone();
    let header = |name: &str| {
        headers
            .get(name)
            .map(|value| value.to_str().expect("ASCII header").to_owned())
    };
    let (status, challenge, retry_after, content_type) = (
        response.status(),
        header("www-authenticate"),
        header("retry-after"),
        header("content-type"),
    );
    let body = test::read_body(response).await;
    Answer {
        status,
        challenge,
        retry_after,
        content_type,
        headers,
        body: String::from_utf8(body.to_vec()).expect("UTF-8 body"),
    }
}

/// Calls `method path` with one `Authorization` header per value (as bytes,
/// sent as they are) and, if not empty, a JSON `body`.
pub async fn call<S, B, V>(
    app: &S,
    method: &str,
    path: &str,
    authorization: impl IntoIterator<Item = V>,
    body: &str,
) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
    V: AsRef<[u8]>,
{
    let mut request = test::TestRequest::default()
        .method(method.parse().expect("a method"))
        .uri(path);
    if !body.is_empty() {
        request = request
            .insert_header(("content-type", "application/json"))
            .set_payload(body.to_owned());
    }
    let mut request = request.to_request();
    for value in authorization {
        let value = HeaderValue::from_bytes(value.as_ref()).expect("a header value");
        request.headers_mut().append(AUTHORIZATION, value);
    }
    call_request(app, request).await
}

/// Calls `method path` with an optional bearer token and body.
pub async fn send<S, B>(app: &S, method: &str, path: &str, token: Option<&str>, body: &str) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let authorization = token.map(|token| format!("Bearer {token}"));
    call(app, method, path, authorization, body).await
}

/// Sends a GET with an optional bearer token.
pub async fn get<S, B>(app: &S, path: &str, token: Option<&str>) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    send(app, "GET", path, token, "").await
}
