//! [`ScopeGuard`]: route selection by scope.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use actix_web::guard::{Guard, GuardContext};
use scopeguard_core::Requirement;
use scopeguard_core::request::route_matches;

use crate::context::ExtensionsRef;

/// An actix [`Guard`] that matches when the request's principal satisfies a
/// requirement: two handlers on one path told apart by scope.
///
/// A guard decides **routing**, not access: when it fails, actix tries the
/// next route, and when none is left answers as if the guarded route did not
/// exist, never 401 or 403:
///
/// - a guard on the only route of a `web::resource(...)`: 405 (the path
///   matched the resource, none of its routes did);
/// - a guard on the only route added with `App::route`, or on a
///   `web::resource(...).guard(...)` or `web::scope(...).guard(...)`: 404.
///
/// To deny with 401/403 and a challenge, use [`RequireScope`](crate::RequireScope),
/// the [`Scoped`](crate::Scoped) extractor or the `requires_scope` macro.
/// Template scopes are not available to guards (routing has not filled
/// them yet), so a template requirement is refused when the guard is built.
///
/// ```
/// use actix_web::{App, web};
/// use scopeguard_actix::ScopeGuard;
///
/// let app = App::new().service(
///     web::resource("/orders")
///         .route(web::get().guard(ScopeGuard::new("order")).to(|| async { "full" }))
///         .route(web::get().to(|| async { "summary" })),
/// );
/// ```
#[derive(Clone)]
pub struct ScopeGuard {
    requirement: Arc<Requirement>,
}

/// Why a requirement cannot make a [`ScopeGuard`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeGuardError {
    /// The requirement does not parse.
    #[error(transparent)]
    Requirement(#[from] scopeguard_core::RequirementError),
    /// The requirement holds a template scope, which guards cannot fill.
    #[error("a scope guard cannot check template scopes")]
    Template,
}

impl From<Infallible> for ScopeGuardError {
    fn from(never: Infallible) -> Self {
        match never {}
    }
}

impl ScopeGuard {
    /// A guard matching principals that satisfy `requirement` (a
    /// [`Requirement`] or its string form), scopes and step-up.
    ///
    /// # Panics
    ///
    /// Panics when `requirement` does not parse or holds a template scope.
    /// Use [`try_new`](Self::try_new) for requirements from configuration.
    pub fn new<R>(requirement: R) -> Self
    where
        R: TryInto<Requirement>,
        ScopeGuardError: From<R::Error>,
    {
        match Self::try_new(requirement) {
            Ok(guard) => guard,
            Err(error) => panic!("invalid scope guard: {error}"),
        }
    }

    /// A guard, or why `requirement` (a [`Requirement`] or its string form)
    /// cannot make one.
    pub fn try_new<R>(requirement: R) -> Result<Self, ScopeGuardError>
    where
        R: TryInto<Requirement>,
        ScopeGuardError: From<R::Error>,
    {
        Self::from_requirement(requirement.try_into()?)
    }

    /// A guard for a parsed requirement.
    pub fn from_requirement(requirement: Requirement) -> Result<Self, ScopeGuardError> {
        if requirement.has_templates() {
            return Err(ScopeGuardError::Template);
        }
        Ok(Self {
            requirement: Arc::new(requirement),
        })
    }

    /// The requirement checked.
    pub fn requirement(&self) -> &Requirement {
        &self.requirement
    }
}

impl Guard for ScopeGuard {
    fn check(&self, context: &GuardContext<'_>) -> bool {
        route_matches(&ExtensionsRef(context.req_data()), &self.requirement)
    }
}

impl fmt::Debug for ScopeGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ScopeGuard")
            .field(&format_args!("{}", self.requirement))
            .finish()
    }
}
