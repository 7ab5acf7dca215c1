//! What the extractors answer when they deny a request.

use axum::body::Body;
use axum::response::{IntoResponse, Response};

scopeguard_core::rejection_type! {
    /// The rejection of [`Scoped`](crate::Scoped) and
    /// [`Principal`](crate::Principal): the SPEC §4 answer, rendered with the
    /// realm and body of the [`AuthLayer`](crate::AuthLayer) in front.
    ///
    /// To replace the body for every denial, give the layer an error body
    /// ([`Authenticator::error_body`](crate::Authenticator::error_body)); the status and
    /// the challenge stay.
}

impl AuthRejection {
    /// The HTTP status of the answer.
    pub fn status(&self) -> http::StatusCode {
        http::StatusCode::from_u16(self.error().status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        self.0.respond::<Body>()
    }
}

/// A failed forward or exchange (SPEC §3.8) answers as SPEC §4 says, with
/// the realm and body of the caller's authentication layer: 403
/// `insufficient_scope` for a narrowing the caller's scopes do not cover or
/// a refused exchange, 503 with `Retry-After` while the authorization
/// server fails. So `?` works in a handler returning `AuthRejection`.
#[cfg(feature = "token-exchange")]
impl From<scopeguard_core::downstream::ExchangeError> for AuthRejection {
    fn from(error: scopeguard_core::downstream::ExchangeError) -> Self {
        Self(error.into_denial())
    }
}
