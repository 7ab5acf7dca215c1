//! The HTTP answer to a denied request, independent of any framework.

use http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderName, HeaderValue, StatusCode};

use crate::AuthError;

/// The HTTP answer to an [`AuthError`] (SPEC §4): status, `WWW-Authenticate`,
/// `Retry-After`, `Content-Type` and body.
///
/// Made by [`ChallengeConfig::render`](super::ChallengeConfig::render). Only
/// the body can be changed afterwards ([`with_body`](Self::with_body)), so the
/// status and challenge stay those of the error.
///
/// ```
/// use http::StatusCode;
/// use scopeguard_core::AuthError;
/// use scopeguard_core::error::challenge::ChallengeConfig;
///
/// let response = ChallengeConfig::default().render(&AuthError::MissingCredentials);
/// assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
/// assert_eq!(response.www_authenticate().unwrap(), r#"Bearer realm="scopeguard""#);
///
/// let response: http::Response<Vec<u8>> = response.into_response();
/// assert_eq!(response.headers()["content-type"], "application/json");
/// assert_eq!(response.body(), br#"{"error":"missing_token","error_description":"no bearer token"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct ErrorResponse {
    pub(super) status: StatusCode,
    pub(super) www_authenticate: Option<HeaderValue>,
    /// A second `WWW-Authenticate` field: the `DPoP` challenge of a
    /// no-credentials 401 in DPoP's `Allowed` mode.
    pub(super) second_challenge: Option<HeaderValue>,
    /// `DPoP-Nonce` of a `use_dpop_nonce` answer.
    pub(super) dpop_nonce: Option<HeaderValue>,
    pub(super) retry_after: Option<u64>,
    pub(super) content_type: HeaderValue,
    pub(super) body: Vec<u8>,
}

/// The name of the header carrying a DPoP server nonce (RFC 9449 §8).
pub const DPOP_NONCE: &str = "dpop-nonce";

/// The `Content-Type` of the default body.
pub(super) const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

impl ErrorResponse {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `WWW-Authenticate` value: present on 400, 401 and 403, absent on
    /// 500 and 503.
    pub fn www_authenticate(&self) -> Option<&HeaderValue> {
        self.www_authenticate.as_ref()
    }

    /// Every `WWW-Authenticate` value, in order: one, or two on a
    /// no-credentials 401 in DPoP's `Allowed` mode (`Bearer`, then `DPoP`).
    pub fn challenges(&self) -> impl Iterator<Item = &HeaderValue> {
        self.www_authenticate.iter().chain(self.second_challenge.as_ref())
    }

    /// The `DPoP-Nonce` value of a `use_dpop_nonce` answer (RFC 9449 §8).
    pub fn dpop_nonce(&self) -> Option<&HeaderValue> {
        self.dpop_nonce.as_ref()
    }

    /// The `Retry-After` value in whole seconds (at least 1): present on 503
    /// only.
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// The `Content-Type` of the body (`application/json` unless replaced).
    pub fn content_type(&self) -> &HeaderValue {
        &self.content_type
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the body out.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// Replaces the body and its `Content-Type`, keeping the status and the
    /// headers.
    ///
    /// ```
    /// use http::HeaderValue;
    /// use scopeguard_core::AuthError;
    /// use scopeguard_core::error::challenge::ChallengeConfig;
    ///
    /// let response = ChallengeConfig::default()
    ///     .render(&AuthError::MissingCredentials)
    ///     .with_body(HeaderValue::from_static("text/plain"), "log in first");
    /// assert_eq!(response.status(), 401);
    /// assert_eq!(response.body(), b"log in first");
    /// assert!(response.www_authenticate().is_some());
    /// ```
    pub fn with_body(mut self, content_type: HeaderValue, body: impl Into<Vec<u8>>) -> Self {
        self.content_type = content_type;
        self.body = body.into();
        self
    }

    /// The headers, in a fixed order: `WWW-Authenticate` (if any; twice
    /// on a no-credentials 401 in DPoP's `Allowed` mode), `DPoP-Nonce` (if
    /// any), `Retry-After` (if any), `Content-Type`. An adapter appends them
    /// as they come (never replacing one by the next of the same name), so
    /// every framework sends the same bytes.
    pub fn headers(&self) -> impl Iterator<Item = (HeaderName, HeaderValue)> + '_ {
        let challenges = self.challenges().map(|value| (WWW_AUTHENTICATE, value.clone()));
        let nonce = self
            .dpop_nonce
            .clone()
            .map(|value| (HeaderName::from_static(DPOP_NONCE), value));
        let retry_after = self
            .retry_after
            .map(|seconds| (RETRY_AFTER, HeaderValue::from(seconds)));
        challenges
            .chain(nonce)
            .chain(retry_after)
            .chain(std::iter::once((CONTENT_TYPE, self.content_type.clone())))
    }

    /// Turns this into an [`http::Response`], for any body type that can be
    /// made from bytes (axum's `Body`, `Full<Bytes>`, `Vec<u8>`, ...).
    pub fn into_response<B: From<Vec<u8>>>(self) -> http::Response<B> {
        let mut headers = http::HeaderMap::new();
        for (name, value) in self.headers() {
            headers.append(name, value);
        }
        let mut response = http::Response::new(B::from(self.body));
        *response.status_mut() = self.status;
        *response.headers_mut() = headers;
        response
    }
}

/// Writes the body of an error response, in place of the default JSON.
///
/// It receives the error and the rendered [`ErrorResponse`], and may only
/// replace the body ([`ErrorResponse::with_body`]): the status and challenge
/// stay those of SPEC §4. A closure taking `(&AuthError, ErrorResponse)` is an
/// `ErrorBody`.
///
/// ```
/// use http::HeaderValue;
/// use scopeguard_core::AuthError;
/// use scopeguard_core::error::challenge::{ChallengeConfig, ErrorResponse};
///
/// let problem_json = |error: &AuthError, response: ErrorResponse| {
///     let body = format!(r#"{{"type":"about:blank","status":{},"code":"{}"}}"#, error.status(), error.label());
///     response.with_body(HeaderValue::from_static("application/problem+json"), body)
/// };
/// let response = ChallengeConfig::default().render_with(&AuthError::MissingCredentials, &problem_json);
/// assert_eq!(response.body(), br#"{"type":"about:blank","status":401,"code":"missing_token"}"#);
/// assert_eq!(response.www_authenticate().unwrap(), r#"Bearer realm="scopeguard""#);
/// ```
pub trait ErrorBody {
    /// Returns `response`, with its body replaced if wanted.
    fn error_body(&self, error: &AuthError, response: ErrorResponse) -> ErrorResponse;
}

impl<F> ErrorBody for F
where
    F: Fn(&AuthError, ErrorResponse) -> ErrorResponse,
{
    fn error_body(&self, error: &AuthError, response: ErrorResponse) -> ErrorResponse {
        self(error, response)
    }
}

/// The default body of SPEC §4: `{"error":"...","error_description":"..."}`,
/// plus `"scope"` on a 403 that names one. It keeps the rendered body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonErrorBody;

impl ErrorBody for JsonErrorBody {
    fn error_body(&self, _error: &AuthError, response: ErrorResponse) -> ErrorResponse {
        response
    }
}
