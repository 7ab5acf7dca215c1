//! The scope check of middleware (SPEC §4, §5), once for every framework:
//! the tower [`RequireScope`](crate::tower::RequireScope) and the actix-web
//! `RequireScope` middleware wrap a [`ScopeCheck`].

use std::fmt;
use std::sync::Arc;

use super::authorization::{CorsPreflight, Denial, authorize_request};
use super::extensions::{ExtensionSource, admitted_state};
use crate::Requirement;
use crate::scopes::requirement::PathParams;

/// A route's requirement as scope middleware checks it: recorded as used
/// by the program when made (for the resource metadata and the scope
/// catalogue), and checked against what the authentication step left in a
/// request's extensions.
///
/// ```
/// use scopeguard_core::request::{ExtensionSink, ScopeCheck};
/// use scopeguard_core::error::DenialRenderer;
/// use scopeguard_core::Principal;
///
/// let check = ScopeCheck::new("order:item");
/// let mut extensions = http::Extensions::new();
/// assert_eq!(check.check(&extensions, &()).unwrap_err().error().status(), 500);
///
/// let admitted = Principal::builder().scopes("order".parse().unwrap()).build();
/// extensions.insert(admitted.with_denial_renderer(DenialRenderer::default()));
/// assert!(check.check(&extensions, &()).is_ok());
/// assert!(ScopeCheck::try_new("two words").is_err());
/// ```
#[derive(Clone)]
#[must_use]
pub struct ScopeCheck {
    requirement: Arc<Requirement>,
}

impl ScopeCheck {
    /// Checks `requirement` (a [`Requirement`] or its string form).
    ///
    /// # Panics
    ///
    /// Panics when `requirement` does not parse: a scope that breaks the
    /// grammar is a programming error, found when the router is built, never
    /// at request time. Use [`try_new`](Self::try_new) for requirements
    /// from configuration.
    pub fn new<R>(requirement: R) -> Self
    where
        R: TryInto<Requirement>,
        R::Error: fmt::Display,
    {
        match Self::try_new(requirement) {
            Ok(check) => check,
            Err(error) => panic!("invalid scope requirement: {error}"),
        }
    }

    /// Checks `requirement`, or says why it does not parse.
    ///
    /// The requirement is [recorded](crate::inventory::usage::record) as used by the
    /// program, for the resource metadata and the scope catalogue.
    pub fn try_new<R: TryInto<Requirement>>(requirement: R) -> Result<Self, R::Error> {
        let requirement = requirement.try_into()?;
        crate::inventory::usage::record(&requirement);
        Ok(Self {
            requirement: Arc::new(requirement),
        })
    }

    /// The requirement checked.
    pub fn requirement(&self) -> &Requirement {
        &self.requirement
    }

    /// Whether the check reads path parameters (a template scope).
    pub fn needs_path_params(&self) -> bool {
        self.requirement.has_templates()
    }

    /// Checks a request whose extensions are `extensions` and whose path
    /// parameters are `params`: a CORS preflight the authentication step let
    /// through passes; otherwise [`authorize_request`] (500 without the
    /// authentication step, 401 without a caller, 403 for missing scopes,
    /// 401 for step-up).
    pub fn check(
        &self,
        extensions: &(impl ExtensionSource + ?Sized),
        params: &(impl PathParams + ?Sized),
    ) -> Result<(), Denial> {
        let (renderer, principal) = admitted_state(extensions);
        match authorize_request(renderer, principal, &self.requirement, params) {
            Ok(_) => Ok(()),
            // A preflight the authentication step let through passes too.
            // Looked up only when the check fails: a denial is logged when
            // it is answered, not when it is made, so the order is not seen.
            Err(_) if extensions.get::<CorsPreflight>().is_some() => Ok(()),
            Err(denial) => Err(denial),
        }
    }
}

impl fmt::Debug for ScopeCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ScopeCheck")
            .field(&format_args!("{}", self.requirement))
            .finish()
    }
}
