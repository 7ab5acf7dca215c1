//! What the extractors answer when they deny a request.

use std::fmt;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use scopeguard_core::AuthError;
use scopeguard_core::request::Denial;

/// The rejection of [`Scoped`](crate::Scoped) and
/// [`Principal`](crate::Principal): the SPEC §4 answer, rendered with the
/// realm and body of the [`AuthLayer`](crate::AuthLayer) in front.
///
/// To replace the body for every denial, give the layer an error body
/// ([`Authenticator::error_body`](crate::Authenticator::error_body)); the status and
/// the challenge stay.
#[derive(Debug, Clone)]
pub struct AuthRejection(Denial);

impl AuthRejection {
    /// Why the request was denied.
    pub fn error(&self) -> &AuthError {
        self.0.error()
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> http::StatusCode {
        http::StatusCode::from_u16(self.error().status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<Denial> for AuthRejection {
    fn from(denial: Denial) -> Self {
        Self(denial)
    }
}

impl fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.error(), f)
    }
}

impl std::error::Error for AuthRejection {}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        self.0.respond::<Body>()
    }
}
