//! Turning core's rendered answers into actix responses.

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use scopeguard_core::ErrorResponse;

/// Copies a rendered answer into an actix response, header for header.
pub(crate) fn http_response(rendered: ErrorResponse) -> HttpResponse {
    let status =
        StatusCode::from_u16(rendered.status().as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    for (name, value) in rendered.headers() {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            // Appended: a no-credentials 401 in DPoP's `Allowed` mode has
            // two `WWW-Authenticate` fields.
            response.append_header((name, value));
        }
    }
    response.body(rendered.into_body())
}

scopeguard_core::rejection_type! {
    /// The error of the extractors: the SPEC §4 answer, rendered with the realm
    /// and body of the [`AuthMiddleware`](crate::AuthMiddleware) in front.
    ///
    /// To replace the body for every denial, give the middleware an error body
    /// ([`Authenticator::error_body`](crate::Authenticator::error_body)); the
    /// status and the challenge stay.
}

impl AuthRejection {
    /// The HTTP status of the answer: 400, 401, 403, 500 or 503 (SPEC §4).
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.error().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl ResponseError for AuthRejection {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        http_response(self.0.deny())
    }
}

/// A failed forward or exchange (SPEC §3.8) answers as SPEC §4 says, with
/// the realm and body of the caller's authentication middleware: 403
/// `insufficient_scope` for a narrowing the caller's scopes do not cover or
/// a refused exchange, 503 with `Retry-After` while the authorization
/// server fails. So `?` works in a handler returning `AuthRejection`.
#[cfg(feature = "token-exchange")]
impl From<scopeguard_core::downstream::ExchangeError> for AuthRejection {
    fn from(error: scopeguard_core::downstream::ExchangeError) -> Self {
        Self(error.into_denial())
    }
}
