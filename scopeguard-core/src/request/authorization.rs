//! The scope check of a request, given what the authentication layer left in
//! its extensions (SPEC §4). Every adapter's scope check (layers, extractors,
//! the macro, in axum and actix) goes through [`authorize_request`].
//!
//! ```
//! use scopeguard_core::request::authorize_request;
//! use scopeguard_core::error::DenialRenderer;
//! use scopeguard_core::{AuthError, Principal, Requirement};
//!
//! let requirement = Requirement::parse("order:item").unwrap();
//! let renderer = DenialRenderer::default();
//! let principal = Principal::builder().scopes("order".parse().unwrap()).build();
//!
//! assert!(authorize_request(Some(&renderer), Some(&principal), &requirement, &()).is_ok());
//! let anonymous = authorize_request(Some(&renderer), None, &requirement, &()).unwrap_err();
//! assert_eq!(anonymous.error(), &AuthError::MissingCredentials);
//! let unconfigured = authorize_request(None, Some(&principal), &requirement, &()).unwrap_err();
//! assert_eq!(unconfigured.error().status(), 500);
//!
//! // The authentication layer attaches its renderer to the principal it admits.
//! let admitted = principal.with_denial_renderer(renderer);
//! assert!(authorize_request(None, Some(&admitted), &requirement, &()).is_ok());
//! ```

use crate::error::DenialRenderer;
use crate::error::Misconfiguration;
use crate::scopes::requirement::PathParams;
use crate::{AuthError, Principal, Requirement};

/// Marks a CORS preflight the authentication layer let through untouched
/// (its `skip_cors_preflight` option): scope middleware lets it pass too, so
/// a CORS layer or an `OPTIONS` route answers it. Extractors still require a
/// caller.
#[derive(Debug, Clone, Copy, Default)]
pub struct CorsPreflight;

/// A denied request: the error and the renderer to answer it with.
#[derive(Debug, Clone)]
pub struct Denial {
    error: AuthError,
    renderer: DenialRenderer,
}

impl Denial {
    /// A denial answered by `renderer`.
    pub fn new(error: AuthError, renderer: DenialRenderer) -> Self {
        Self { error, renderer }
    }

    /// Why the request is denied.
    pub fn error(&self) -> &AuthError {
        &self.error
    }

    /// The renderer the answer is made with.
    pub fn renderer(&self) -> &DenialRenderer {
        &self.renderer
    }

    /// A denial of the admitted `principal`, answered by the renderer of its
    /// authentication layer ([`layer_renderer`]).
    pub fn of_principal(error: AuthError, renderer: Option<&DenialRenderer>, principal: &Principal) -> Self {
        let renderer = layer_renderer(renderer, Some(principal));
        Self::new(error, renderer.cloned().unwrap_or_default())
    }

    /// Logs the denial and renders the answer.
    pub fn deny(&self) -> crate::ErrorResponse {
        self.renderer.deny(&self.error)
    }

    /// Logs the denial and renders the answer as an [`http::Response`].
    pub fn respond<B: From<Vec<u8>>>(&self) -> http::Response<B> {
        self.renderer.respond(&self.error)
    }
}

/// The renderer the authentication layer left in a request whose
/// extensions held `renderer` and `principal`: attached to the principal
/// ([`Principal::denial_renderer`]), or on its own when the request has no
/// principal. `None` means the authentication layer did not run.
pub fn layer_renderer<'a>(
    renderer: Option<&'a DenialRenderer>,
    principal: Option<&'a Principal>,
) -> Option<&'a DenialRenderer> {
    principal.and_then(Principal::denial_renderer).or(renderer)
}

/// The principal of a request whose extensions held `renderer` and
/// `principal`: the check behind extractors that need a caller but no scope.
///
/// - no renderer (see [`layer_renderer`]): the authentication layer did not
///   run — 500, never an allow;
/// - no principal: no credentials — 401.
pub fn authenticated<'a>(
    renderer: Option<&DenialRenderer>,
    principal: Option<&'a Principal>,
) -> Result<&'a Principal, Denial> {
    match (layer_renderer(renderer, principal), principal) {
        (None, _) => Err(Denial::new(
            AuthError::Misconfigured(Misconfiguration::MissingAuthLayer),
            DenialRenderer::default(),
        )),
        (Some(renderer), None) => Err(Denial::new(AuthError::MissingCredentials, renderer.clone())),
        (Some(_), Some(principal)) => Ok(principal),
    }
}

/// Checks `requirement` for a request whose extensions held `renderer` and
/// `principal`: [`authenticated`], then the principal's scopes, then step-up
/// (403 / 401). Returns the principal that meets it.
pub fn authorize_request<'a>(
    renderer: Option<&DenialRenderer>,
    principal: Option<&'a Principal>,
    requirement: &Requirement,
    params: &(impl PathParams + ?Sized),
) -> Result<&'a Principal, Denial> {
    let principal = authenticated(renderer, principal)?;
    principal
        .check(requirement, params)
        .map_err(|error| Denial::of_principal(error, renderer, principal))?;
    Ok(principal)
}
