use std::fmt;

use tower_layer::Layer;

use super::RequireScopeService;
use crate::Requirement;
use crate::request::ScopeCheck;
use crate::tower::{PathParamsSource, RouteParamsExtension};

/// Requires scopes of the request's [`Principal`](crate::Principal) (SPEC §4).
///
/// Answers 401 without a principal, 403 when the scopes are not met, 401 when
/// step-up authentication is needed, 500 when no
/// [`AuthLayer`](crate::tower::AuthLayer) ran before it; otherwise calls the
/// inner service.
///
/// ```
/// use scopeguard_core::tower::RequireScope;
///
/// let items = RequireScope::new("order:item");
/// let sales = RequireScope::new("any(inventory:sales, report:read)");
/// assert!(RequireScope::try_new("two words").is_err());
/// ```
#[must_use]
pub struct RequireScope<P = RouteParamsExtension> {
    check: ScopeCheck,
    params: P,
}

impl RequireScope {
    /// Requires `requirement` (a [`Requirement`] or its string form).
    ///
    /// # Panics
    ///
    /// Panics when `requirement` does not parse (see [`ScopeCheck::new`]).
    /// Use [`try_new`](Self::try_new) for requirements from configuration.
    pub fn new<R>(requirement: R) -> Self
    where
        R: TryInto<Requirement>,
        R::Error: fmt::Display,
    {
        ScopeCheck::new(requirement).into()
    }

    /// Requires `requirement`, or says why it does not parse. The
    /// requirement is recorded as used (see [`ScopeCheck::try_new`]).
    pub fn try_new<R: TryInto<Requirement>>(requirement: R) -> Result<Self, R::Error> {
        ScopeCheck::try_new(requirement).map(Self::from)
    }
}

impl From<ScopeCheck> for RequireScope {
    fn from(check: ScopeCheck) -> Self {
        Self {
            check,
            params: RouteParamsExtension,
        }
    }
}

impl<P> RequireScope<P> {
    /// Reads template parameters with `source` instead.
    pub fn with_path_params<Q: PathParamsSource>(self, source: Q) -> RequireScope<Q> {
        RequireScope {
            check: self.check,
            params: source,
        }
    }

    /// The requirement checked.
    pub fn requirement(&self) -> &Requirement {
        self.check.requirement()
    }
}

impl<S, P: Clone> Layer<S> for RequireScope<P> {
    type Service = RequireScopeService<S, P>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireScopeService::new(inner, self.check.clone(), self.params.clone())
    }
}

impl<P: Clone> Clone for RequireScope<P> {
    fn clone(&self) -> Self {
        Self {
            check: self.check.clone(),
            params: self.params.clone(),
        }
    }
}

impl<P> fmt::Debug for RequireScope<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireScope")
            .field("requirement", &format_args!("{}", self.check.requirement()))
            .finish_non_exhaustive()
    }
}
