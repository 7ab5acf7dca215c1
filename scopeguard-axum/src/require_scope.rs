//! [`RequireScope`] for axum routes.

use std::fmt;

use scopeguard_core::Requirement;
use scopeguard_core::tower::{RequireScope as TowerRequireScope, RequireScopeService};
use tower_layer::Layer;

use crate::path_params::AxumPathParams;

/// Requires scopes on a route or router, filling template scopes from the
/// matched route's path parameters (SPEC §4).
///
/// Use it with `route_layer` so it runs after routing (template parameters
/// come from the matched route, and unmatched paths still get 404):
///
/// ```
/// use axum::{Router, routing::get};
/// use scopeguard_axum::RequireScope;
///
/// let app: Router = Router::new()
///     .route("/orders/{id}/items", get(|| async { "items" }))
///     .route_layer(RequireScope::new("order:item"));
/// ```
///
/// The [`AuthLayer`](crate::AuthLayer) must run before it (add it with
/// `.layer(...)` after the `route_layer`); without it every request is
/// answered 500.
#[derive(Clone)]
#[must_use]
pub struct RequireScope(TowerRequireScope<AxumPathParams>);

impl RequireScope {
    /// Requires `requirement` (a [`Requirement`] or its string form).
    ///
    /// # Panics
    ///
    /// Panics when `requirement` does not parse, when the router is built.
    /// Use [`try_new`](Self::try_new) for requirements from configuration.
    pub fn new<R>(requirement: R) -> Self
    where
        R: TryInto<Requirement>,
        R::Error: fmt::Display,
    {
        Self(TowerRequireScope::new(requirement).with_path_params(AxumPathParams))
    }

    /// Requires `requirement`, or says why it does not parse.
    pub fn try_new<R: TryInto<Requirement>>(requirement: R) -> Result<Self, R::Error> {
        Ok(Self(
            TowerRequireScope::try_new(requirement)?.with_path_params(AxumPathParams),
        ))
    }

    /// The requirement checked.
    pub fn requirement(&self) -> &Requirement {
        self.0.requirement()
    }
}

impl<S> Layer<S> for RequireScope {
    type Service = RequireScopeService<S, AxumPathParams>;

    fn layer(&self, inner: S) -> Self::Service {
        self.0.layer(inner)
    }
}

impl fmt::Debug for RequireScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RequireScope")
            .field(&format_args!("{}", self.requirement()))
            .finish()
    }
}
