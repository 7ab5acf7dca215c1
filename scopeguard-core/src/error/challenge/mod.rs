//! The HTTP answer to every denial (SPEC §4, RFC 6750 §3, RFC 9470, RFC 9728).
//!
//! [`ChallengeConfig::render`] turns an [`AuthError`](crate::AuthError) into
//! an [`ErrorResponse`]: status, `WWW-Authenticate`, `Retry-After`,
//! `Content-Type` and body. It is the only code that writes these answers;
//! the tower layers, the axum rejections and the actix middleware call it
//! ([`render_with`](ChallengeConfig::render_with) when the user replaced the
//! body with an [`ErrorBody`]) and copy the result out, so both frameworks
//! send the same bytes. Rendering does not log: the caller emits the
//! `tracing` event for the denial, with [`AuthError::label`](crate::AuthError::label)
//! as the reason, before rendering.
//!
//! | error | status | `WWW-Authenticate` | body `error` |
//! | --- | --- | --- | --- |
//! | `MissingCredentials` | 401 | `Bearer realm="R"` | `missing_token` |
//! | `InvalidRequest` | 400 | `Bearer realm="R", error="invalid_request", error_description="D"` | `invalid_request` |
//! | `InvalidToken` | 401 | `Bearer realm="R", error="invalid_token", error_description="D"` | `invalid_token` |
//! | `InsufficientScope` | 403 | `Bearer realm="R", error="insufficient_scope", error_description="D", scope="S"` | `insufficient_scope` |
//! | `StepUpRequired` | 401 | `Bearer realm="R", error="insufficient_user_authentication", error_description="D", max_age="N", acr_values="A"` | `insufficient_user_authentication` |
//! | `Unavailable` | 503 | none; `Retry-After: N` | `temporarily_unavailable` |
//! | `Misconfigured` | 500 | none | `server_error` |
//!
//! Attributes always come in this order: `realm`, `error`,
//! `error_description`, `scope`, `max_age`, `acr_values`,
//! `resource_metadata`. Optional ones are left out when absent:
//!
//! - `scope` when the error has none, or it is not a valid scope list;
//! - `max_age` and `acr_values` when the step-up does not name them (an
//!   `acr` value that is not a valid token is left out);
//! - `resource_metadata` when no URL is configured; when one is, every 400,
//!   401 and 403 challenge ends with it.
//!
//! `D` is the error's [`Display`](std::fmt::Display), with `"` turned into
//! `'`, `\` into `/`, control characters into spaces and non-ASCII
//! characters into `?`. A 500 says only that the request cannot be authorized;
//! its cause is for the log. The body is compact JSON with
//! `Content-Type: application/json`:
//! `{"error":"E","error_description":"D"}`, plus `"scope":"S"` when the 403
//! challenge has a `scope`.
//!
//! ```
//! use std::time::Duration;
//!
//! use scopeguard_core::AuthError;
//! use scopeguard_core::error::challenge::ChallengeConfig;
//! use scopeguard_core::error::{InvalidToken, Unavailable};
//!
//! let config = ChallengeConfig::builder()
//!     .realm("inventory")
//!     .resource_metadata("https://api.example.com/.well-known/oauth-protected-resource")
//!     .build()
//!     .unwrap();
//!
//! let expired = config.render(&AuthError::InvalidToken(InvalidToken::Expired));
//! assert_eq!(expired.status(), 401);
//! assert_eq!(
//!     expired.www_authenticate().unwrap(),
//!     "Bearer realm=\"inventory\", error=\"invalid_token\", error_description=\"the token has expired\", \
//!      resource_metadata=\"https://api.example.com/.well-known/oauth-protected-resource\"",
//! );
//!
//! let unavailable = Unavailable::KeySet { retry_after: Duration::from_secs(30) };
//! let unavailable = config.render(&AuthError::Unavailable(unavailable));
//! assert_eq!(unavailable.status(), 503);
//! assert_eq!(unavailable.retry_after(), Some(30));
//! assert!(unavailable.www_authenticate().is_none());
//! ```

mod config;
mod dpop;
mod render;
mod response;

pub use config::{
    ChallengeConfig, ChallengeConfigBuilder, ChallengeConfigError, ChallengeProblem, DEFAULT_REALM,
};
pub use dpop::{CredentialScheme, DpopChallenge};
#[cfg(feature = "grpc")]
pub(crate) use render::description;
pub use response::{DPOP_NONCE, ErrorBody, ErrorResponse, JsonErrorBody};

#[cfg(test)]
mod tests;
