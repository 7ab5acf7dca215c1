//! A denial as a gRPC answer (SPEC §5): the same decision and challenge as
//! the HTTP answer of SPEC §4, carried the way gRPC clients read it.

use http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode};

use super::code::GrpcCode;
use super::message::encode_grpc_message;
use crate::error::challenge::description;
use crate::request::Denial;

/// `grpc-status`.
pub const GRPC_STATUS: HeaderName = HeaderName::from_static("grpc-status");
/// `grpc-message`.
pub const GRPC_MESSAGE: HeaderName = HeaderName::from_static("grpc-message");
/// `application/grpc`.
const APPLICATION_GRPC: HeaderValue = HeaderValue::from_static("application/grpc");

/// Whether a request with these headers is a gRPC call: its `content-type`
/// starts with `application/grpc` (`application/grpc+proto`,
/// `application/grpc-web`, ...), in any case.
///
/// ```
/// use scopeguard_core::grpc::is_grpc_request;
///
/// let mut headers = http::HeaderMap::new();
/// assert!(!is_grpc_request(&headers));
/// headers.insert("content-type", "application/grpc+proto".parse().unwrap());
/// assert!(is_grpc_request(&headers));
/// ```
pub fn is_grpc_request(headers: &HeaderMap) -> bool {
    const PREFIX: &[u8] = b"application/grpc";
    headers.get(CONTENT_TYPE).is_some_and(|value| {
        let value = value.as_bytes();
        value.len() >= PREFIX.len() && value[..PREFIX.len()].eq_ignore_ascii_case(PREFIX)
    })
}

/// The gRPC answer to a denied call: its status code, message (the
/// `error_description` of SPEC §4) and the metadata of the HTTP answer
/// (`www-authenticate` with the challenge, `retry-after` on `UNAVAILABLE`).
///
/// ```
/// use scopeguard_core::AuthError;
/// use scopeguard_core::error::DenialRenderer;
/// use scopeguard_core::grpc::{GrpcCode, GrpcDenial};
/// use scopeguard_core::request::Denial;
///
/// let denial = Denial::new(AuthError::InsufficientScope { scope: Some("order:item".into()) }, DenialRenderer::default());
/// let answer = GrpcDenial::of(&denial);
/// assert_eq!(answer.code(), GrpcCode::PermissionDenied);
/// assert_eq!(answer.message(), "insufficient scope");
///
/// let response: http::Response<Vec<u8>> = answer.into_response();
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.headers()["grpc-status"], "7");
/// assert_eq!(
///     response.headers()["www-authenticate"],
///     r#"Bearer realm="scopeguard", error="insufficient_scope", error_description="insufficient scope", scope="order:item""#,
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct GrpcDenial {
    code: GrpcCode,
    message: String,
    www_authenticate: Option<HeaderValue>,
    retry_after: Option<u64>,
}

impl GrpcDenial {
    /// Logs `denial` (the same `tracing` event as an HTTP denial) and
    /// renders its gRPC answer.
    pub fn of(denial: &Denial) -> Self {
        let rendered = denial.deny();
        Self {
            code: GrpcCode::of(denial.error()),
            message: description(denial.error()),
            www_authenticate: rendered.www_authenticate().cloned(),
            retry_after: rendered.retry_after(),
        }
    }

    /// The status code.
    pub fn code(&self) -> GrpcCode {
        self.code
    }

    /// The message, not yet percent-encoded.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The challenge, sent as `www-authenticate` metadata: present for
    /// `INVALID_ARGUMENT`, `UNAUTHENTICATED` and `PERMISSION_DENIED`.
    pub fn www_authenticate(&self) -> Option<&HeaderValue> {
        self.www_authenticate.as_ref()
    }

    /// The metadata of the answer: `www-authenticate` and `retry-after`,
    /// when the HTTP answer has them.
    pub fn metadata(&self) -> HeaderMap {
        let mut metadata = HeaderMap::new();
        if let Some(challenge) = &self.www_authenticate {
            metadata.insert(WWW_AUTHENTICATE, challenge.clone());
        }
        if let Some(seconds) = self.retry_after {
            metadata.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        metadata
    }

    /// The Trailers-Only answer: HTTP 200, `content-type:
    /// application/grpc`, `grpc-status`, the percent-encoded
    /// `grpc-message`, the [metadata](Self::metadata), and an empty body.
    pub fn into_response<B: From<Vec<u8>>>(self) -> Response<B> {
        let mut response = Response::new(B::from(Vec::new()));
        *response.status_mut() = StatusCode::OK;
        let metadata = self.metadata();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, APPLICATION_GRPC);
        headers.insert(GRPC_STATUS, HeaderValue::from(self.code.as_u16()));
        // Percent-encoding leaves only visible ASCII and spaces.
        if let Ok(message) = HeaderValue::try_from(encode_grpc_message(&self.message)) {
            headers.insert(GRPC_MESSAGE, message);
        }
        headers.extend(metadata);
        response
    }
}
