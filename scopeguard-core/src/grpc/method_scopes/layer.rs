use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use tower_layer::Layer;

use super::MethodScopesService;
use crate::Requirement;
use crate::request::ScopeCheck;

/// What [`MethodScopes`] does with a call to a method it does not name.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum UnknownMethods {
    /// Deny (the default): after the credentials are checked (no token is
    /// `UNAUTHENTICATED`), `PERMISSION_DENIED` with an `insufficient_scope`
    /// challenge naming no scope: no token can call a method the map
    /// forgot. Fails closed when a method is added to a service but not to
    /// the map.
    #[default]
    Deny,
    /// Check this requirement (without template scopes: a call has no path
    /// parameters to fill them, and such a check answers `INTERNAL`).
    Require(ScopeCheck),
    /// Let the call pass with no check (health checks, reflection): the
    /// method's own code decides.
    Allow,
}

/// Why [`MethodScopes::try_method`] refuses a method.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MethodScopesError {
    /// The path is not `/package.Service/Method`.
    #[error("`{0}` is not a gRPC method path `/package.Service/Method`")]
    MalformedPath(String),
    /// The requirement does not parse.
    #[error("the requirement of `{method}` is invalid: {reason}")]
    InvalidRequirement {
        /// The method.
        method: String,
        /// Why.
        reason: String,
    },
    /// The requirement has a template scope: a gRPC call has no path
    /// parameter to fill it with.
    #[error("the requirement of `{0}` has a template scope, which a gRPC call cannot fill")]
    Template(String),
}

/// Requires scopes per gRPC method (SPEC §5): the request's path
/// (`/package.Service/Method`) selects the requirement, checked like
/// [`RequireScope`](crate::tower::RequireScope) does (401/403/500 per
/// SPEC §4, as gRPC answers for gRPC calls). Methods the map does not name
/// get its [`UnknownMethods`] answer, denied by default.
///
/// Place it inside [`AuthLayer`](crate::tower::AuthLayer), around the gRPC
/// services only: every request it sees is a method call.
///
/// ```
/// use scopeguard_core::grpc::{MethodScopes, UnknownMethods};
///
/// let methods = MethodScopes::new()
///     .method("/inventory.v1.Inventory/GetItem", "inventory:read")
///     .method("/inventory.v1.Inventory/SetPrice", "inventory:price.write")
///     .unknown_methods(UnknownMethods::Deny);
/// assert!(MethodScopes::new().try_method("GetItem", "inventory:read").is_err());
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct MethodScopes {
    methods: Arc<HashMap<String, MethodRule>>,
    unknown: UnknownMethods,
}

/// What the map asks of calls to one method.
#[derive(Debug, Clone)]
pub(super) enum MethodRule {
    /// A caller with a valid token, whatever its scopes.
    Authenticated,
    /// A caller meeting the requirement.
    Scopes(ScopeCheck),
}

impl MethodScopes {
    /// No method yet; unknown methods denied.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requires `requirement` for calls to `path` (`/package.Service/Method`).
    ///
    /// # Panics
    ///
    /// Panics when `path` or `requirement` is invalid (see
    /// [`try_method`](Self::try_method)): a programming error, found when
    /// the server is built.
    pub fn method<R>(self, path: &str, requirement: R) -> Self
    where
        R: TryInto<Requirement>,
        R::Error: fmt::Display,
    {
        match self.try_method(path, requirement) {
            Ok(methods) => methods,
            Err(error) => panic!("{error}"),
        }
    }

    /// Requires `requirement` for calls to `path`, or says why it cannot:
    /// a path that is not `/package.Service/Method`, a requirement that does
    /// not parse, or one with a template scope.
    pub fn try_method<R>(mut self, path: &str, requirement: R) -> Result<Self, MethodScopesError>
    where
        R: TryInto<Requirement>,
        R::Error: fmt::Display,
    {
        if !is_method_path(path) {
            return Err(MethodScopesError::MalformedPath(path.to_owned()));
        }
        let requirement = requirement
            .try_into()
            .map_err(|error| MethodScopesError::InvalidRequirement {
                method: path.to_owned(),
                reason: error.to_string(),
            })?;
        if requirement.has_templates() {
            return Err(MethodScopesError::Template(path.to_owned()));
        }
        let check = ScopeCheck::new(requirement);
        Arc::make_mut(&mut self.methods).insert(path.to_owned(), MethodRule::Scopes(check));
        Ok(self)
    }

    /// Lets any caller with a valid token call `path`, whatever its scopes
    /// (the method may check more itself).
    ///
    /// # Panics
    ///
    /// Panics when `path` is not `/package.Service/Method`.
    pub fn authenticated(mut self, path: &str) -> Self {
        assert!(
            is_method_path(path),
            "{}",
            MethodScopesError::MalformedPath(path.to_owned())
        );
        Arc::make_mut(&mut self.methods).insert(path.to_owned(), MethodRule::Authenticated);
        self
    }

    /// What calls to other methods get (default [`UnknownMethods::Deny`]).
    pub fn unknown_methods(mut self, unknown: UnknownMethods) -> Self {
        self.unknown = unknown;
        self
    }

    /// The requirement of `path`, if the map names it with one.
    pub fn requirement(&self, path: &str) -> Option<&Requirement> {
        self.methods.get(path).and_then(MethodRule::requirement)
    }

    /// Every requirement of the map, for `scopes_supported`.
    pub fn requirements(&self) -> impl Iterator<Item = &Requirement> {
        let unknown = match &self.unknown {
            UnknownMethods::Require(check) => Some(check.requirement()),
            UnknownMethods::Deny | UnknownMethods::Allow => None,
        };
        self.methods
            .values()
            .filter_map(MethodRule::requirement)
            .chain(unknown)
    }
}

impl MethodRule {
    fn requirement(&self) -> Option<&Requirement> {
        match self {
            Self::Authenticated => None,
            Self::Scopes(check) => Some(check.requirement()),
        }
    }
}

/// `/package.Service/Method`: two non-empty segments.
fn is_method_path(path: &str) -> bool {
    path.strip_prefix('/')
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(service, method)| !service.is_empty() && !method.is_empty() && !method.contains('/'))
}

impl<S> Layer<S> for MethodScopes {
    type Service = MethodScopesService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MethodScopesService::new(inner, Arc::clone(&self.methods), self.unknown.clone())
    }
}

impl fmt::Debug for MethodScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut methods: Vec<_> = self.methods.iter().collect();
        methods.sort_by(|a, b| a.0.cmp(b.0));
        f.debug_struct("MethodScopes")
            .field("methods", &methods)
            .field("unknown", &self.unknown)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_paths_are_package_service_and_method() {
        assert!(is_method_path("/a.b.Service/Method"));
        for path in [
            "",
            "/",
            "Service/Method",
            "/Service/",
            "//Method",
            "/a/b/c",
            "/Service",
        ] {
            assert!(!is_method_path(path), "{path}");
        }
    }

    #[test]
    fn templates_and_bad_requirements_are_refused() {
        assert_eq!(
            MethodScopes::new()
                .try_method("/a.S/M", "transaction-{tx}")
                .unwrap_err(),
            MethodScopesError::Template("/a.S/M".into())
        );
        assert!(matches!(
            MethodScopes::new().try_method("/a.S/M", "two words").unwrap_err(),
            MethodScopesError::InvalidRequirement { .. }
        ));
        let methods = MethodScopes::new()
            .method("/a.S/M", "order:item")
            .authenticated("/a.S/Me");
        assert_eq!(methods.requirement("/a.S/M").unwrap().to_string(), "order:item");
        assert!(methods.requirement("/a.S/Me").is_none());
        assert!(methods.requirement("/a.S/N").is_none());
        assert_eq!(methods.requirements().count(), 1);
    }
}
