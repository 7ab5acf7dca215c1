//! How adapters answer a denial: log it, render it, replace the body if the
//! user asked to (SPEC §4).
//!
//! A [`DenialRenderer`] carries the [`ChallengeConfig`] and the user's
//! [`ErrorBody`]. The authentication layer leaves one with every request it
//! lets through: attached to the principal
//! ([`Principal::denial_renderer`](crate::Principal::denial_renderer)), or
//! on its own in the extensions when the request has no principal. The
//! scope checks further in (layers, extractors, the macro) find it with
//! [`layer_renderer`](crate::request::layer_renderer) and answer with the
//! same realm and body; a scope check that finds none knows the
//! authentication layer is missing.
//!
//! ```
//! use scopeguard_core::AuthError;
//! use scopeguard_core::error::DenialRenderer;
//!
//! let renderer = DenialRenderer::default();
//! let response: http::Response<Vec<u8>> = renderer.respond(&AuthError::MissingCredentials);
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["www-authenticate"], r#"Bearer realm="scopeguard""#);
//! ```

use std::fmt;
use std::sync::Arc;

use crate::AuthError;
use crate::error::challenge::{ChallengeConfig, CredentialScheme, ErrorBody, ErrorResponse};

/// Logs and renders denials with one configuration. Cheap to clone: one
/// shared allocation, so that every principal can carry one.
///
/// It also knows the scheme the request used ([`CredentialScheme`]): the
/// authentication step attaches a renderer marked [`CredentialScheme::Dpop`]
/// to a principal admitted with DPoP, so the scope checks further in answer
/// with a `DPoP` challenge (SPEC §3.6).
#[derive(Clone, Default)]
pub struct DenialRenderer {
    settings: Arc<Settings>,
    scheme: CredentialScheme,
}

#[derive(Clone, Default)]
struct Settings {
    challenge: ChallengeConfig,
    body: Option<Arc<dyn ErrorBody + Send + Sync>>,
}

impl DenialRenderer {
    /// A renderer with this challenge configuration and the default body.
    pub fn new(challenge: ChallengeConfig) -> Self {
        Self {
            settings: Arc::new(Settings {
                challenge,
                body: None,
            }),
            scheme: CredentialScheme::Bearer,
        }
    }

    /// This renderer, for a request that used `scheme`.
    #[must_use]
    pub fn for_scheme(mut self, scheme: CredentialScheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// This renderer, with `DPoP` challenges written as `dpop` says
    /// (SPEC §3.6); `None` turns them off.
    #[must_use]
    pub fn with_dpop(mut self, dpop: Option<crate::error::challenge::DpopChallenge>) -> Self {
        let settings = Arc::make_mut(&mut self.settings);
        settings.challenge = settings.challenge.clone().with_dpop(dpop);
        self
    }

    /// The scheme of the request this renderer answers.
    pub fn scheme(&self) -> CredentialScheme {
        self.scheme
    }

    /// Replaces the body of every error response; status and challenge stay.
    #[must_use]
    pub fn with_error_body(mut self, body: impl ErrorBody + Send + Sync + 'static) -> Self {
        Arc::make_mut(&mut self.settings).body = Some(Arc::new(body));
        self
    }

    /// The challenge configuration.
    pub fn challenge(&self) -> &ChallengeConfig {
        &self.settings.challenge
    }

    /// Renders `error` without logging it.
    pub fn render(&self, error: &AuthError) -> ErrorResponse {
        let Settings { challenge, body } = &*self.settings;
        match body {
            Some(body) => challenge.render_as_with(error, self.scheme, body.as_ref()),
            None => challenge.render_as(error, self.scheme),
        }
    }

    /// Logs the denial and renders it.
    pub fn deny(&self, error: &AuthError) -> ErrorResponse {
        log_denial(error);
        self.render(error)
    }

    /// Logs the denial and renders it as an [`http::Response`].
    pub fn respond<B: From<Vec<u8>>>(&self, error: &AuthError) -> http::Response<B> {
        self.deny(error).into_response()
    }
}

impl fmt::Debug for DenialRenderer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DenialRenderer")
            .field("challenge", &self.settings.challenge)
            .field("custom_body", &self.settings.body.is_some())
            .field("scheme", &self.scheme)
            .finish()
    }
}

/// Emits the `tracing` event for a denial, with its stable label as the
/// reason. Configuration errors are `error!`, unavailability `warn!`, the
/// rest `info!`. Never logs a token.
pub fn log_denial(error: &AuthError) {
    let reason = error.label();
    let status = error.status();
    match error {
        AuthError::Misconfigured(cause) => {
            tracing::error!(reason, status, %cause, "request denied: scopeguard is misconfigured");
        }
        AuthError::Unavailable(cause @ crate::error::Unavailable::ReplayStore { .. }) => {
            tracing::error!(reason, status, %cause, "request denied: DPoP replay store cannot record proofs");
        }
        AuthError::Unavailable(cause) => {
            tracing::warn!(reason, status, %cause, "request denied: token cannot be checked now");
        }
        AuthError::InsufficientScope { scope } => {
            tracing::info!(
                reason,
                status,
                required = scope.as_deref().unwrap_or(""),
                "request denied"
            );
        }
        _ => tracing::info!(reason, status, "request denied"),
    }
}
