//! Forwarding: calling another API with the caller's own token (SPEC §3.8).
//!
//! Forward when the downstream API is as trusted as this one and expects
//! the same audience; exchange ([`TokenExchanger`](super::TokenExchanger))
//! when it should see fewer scopes, or another audience.
//!
//! ```no_run
//! use scopeguard_core::Principal;
//! use scopeguard_core::downstream::{ExchangeError, forward};
//!
//! async fn shipping_status(principal: &Principal, client: &reqwest::Client) -> Result<(), ExchangeError> {
//!     let request = forward(client.get("https://shipping.internal/shipping/42"), principal)?;
//!     let _answer = request.send().await;
//!     Ok(())
//! }
//! ```

use http::HeaderValue;
use reqwest::RequestBuilder;
use reqwest::header::AUTHORIZATION;

use super::error::{ExchangeError, ExchangeErrorKind};
use crate::Principal;

/// `request` with the caller's own token in `Authorization: Bearer`.
///
/// Fails with [`ExchangeErrorKind::MissingAccessToken`] (500) for a
/// principal that carries no token.
pub fn forward(request: RequestBuilder, principal: &Principal) -> Result<RequestBuilder, ExchangeError> {
    Ok(request.header(AUTHORIZATION, forwarded_authorization(principal)?))
}

/// The `Authorization` value that forwards the caller's own token: `Bearer
/// <token>`, marked sensitive. For HTTP clients other than `reqwest`.
pub fn forwarded_authorization(principal: &Principal) -> Result<HeaderValue, ExchangeError> {
    principal
        .access_token()
        .and_then(try_bearer_value)
        .ok_or_else(|| missing_token(principal))
}

/// The error of a principal without a token, logged as the
/// misconfiguration it is.
pub(crate) fn missing_token(principal: &Principal) -> ExchangeError {
    tracing::error!(
        reason = ExchangeErrorKind::MissingAccessToken.label(),
        "the principal carries no access token to send downstream: it was not built by a scopeguard validator"
    );
    ExchangeError::new(
        ExchangeErrorKind::MissingAccessToken,
        None,
        std::time::Duration::ZERO,
    )
    .rendered_by(principal.denial_renderer())
}

fn try_bearer_value(token: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::try_from(format!("Bearer {token}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// `Bearer <token>`, sensitive, for a token known to be printable ASCII.
pub(crate) fn bearer_value(token: &str) -> HeaderValue {
    try_bearer_value(token).unwrap_or_else(|| HeaderValue::from_static("Bearer"))
}
