//! The entry of extractors, the macro and guards (SPEC §4, §5): one call
//! admits a request and hands back everything the handler gets.
//!
//! An adapter describes its request as a [`RequestContext`] (its
//! extensions, and its path parameters when a template needs them) and
//! makes one call:
//!
//! - [`admit`]: a caller meeting a requirement, with typed claims
//!   (`Scoped<R, C>`);
//! - [`admit_caller`]: any caller, with typed claims (`Principal<C>`);
//! - [`admit_optional`]: the same, or `None` without credentials
//!   (optional authentication);
//! - [`admit_registered`]: a caller meeting the requirement a
//!   `#[requires_scope]` handler registered;
//! - [`route_matches`]: whether the caller meets a requirement, for route
//!   selection (no denial: another route may match).

use super::authorization::{Denial, authenticated, authorize_request, layer_renderer};
use super::extensions::{ExtensionSource, admitted_state};
use crate::error::Misconfiguration;
use crate::inventory::registry::registered_requirement;
use crate::scopes::requirement::PathParams;
use crate::validation::claims::FromPrincipal;
use crate::{AuthError, Principal, Requirement};

/// A request as extractors see it: what the authentication step left in
/// its extensions, and its path parameters.
pub trait RequestContext {
    /// The request's extensions.
    type Extensions: ExtensionSource + ?Sized;
    /// The request's path parameters, percent-decoded, as the framework's
    /// own path extractor gives them.
    type Params: PathParams;

    /// The request's extensions.
    fn extensions(&self) -> &Self::Extensions;

    /// The request's path parameters; read only for template scopes.
    fn path_params(&mut self) -> Self::Params;
}

/// The caller and its claims as `C`, when the caller meets `requirement`.
///
/// Denials: 500 when the authentication step did not run, 401 without a
/// caller, 403 for missing scopes, 401 for step-up, and the claims' own
/// error when they do not convert into `C`.
pub fn admit<C: FromPrincipal>(
    request: &mut (impl RequestContext + ?Sized),
    requirement: &Requirement,
) -> Result<(Principal, C), Denial> {
    let params = requirement.has_templates().then(|| request.path_params());
    let extensions = request.extensions();
    let (renderer, principal) = admitted_state(extensions);
    let principal = match &params {
        Some(params) => authorize_request(renderer, principal, requirement, params),
        None => authorize_request(renderer, principal, requirement, &()),
    }?;
    with_claims(principal, extensions)
}

/// The caller and its claims as `C`, whatever its scopes.
///
/// Denials: 500 when the authentication step did not run, 401 without a
/// caller, and the claims' own error when they do not convert into `C`.
pub fn admit_caller<C: FromPrincipal>(
    request: &(impl RequestContext + ?Sized),
) -> Result<(Principal, C), Denial> {
    let extensions = request.extensions();
    let (renderer, principal) = admitted_state(extensions);
    let principal = authenticated(renderer, principal)?;
    with_claims(principal, extensions)
}

/// Optional authentication: the caller and its claims, or `None` when the
/// request carries no credentials. A missing authentication step is still
/// a 500, never an anonymous caller.
pub fn admit_optional<C: FromPrincipal>(
    request: &(impl RequestContext + ?Sized),
) -> Result<Option<(Principal, C)>, Denial> {
    match admit_caller(request) {
        Ok(caller) => Ok(Some(caller)),
        Err(denial) if denial.error() == &AuthError::MissingCredentials => Ok(None),
        Err(denial) => Err(denial),
    }
}

/// Checks the requirement a `#[requires_scope]` handler registered under
/// `id` (see [`registry`](crate::inventory::registry)). A requirement that cannot be
/// resolved is a 500 whose log line says why, never an allow.
pub fn admit_registered(id: u64, request: &mut (impl RequestContext + ?Sized)) -> Result<(), Denial> {
    let requirement = match registered_requirement(id) {
        Ok(requirement) => requirement,
        Err(error) => {
            let extensions = request.extensions();
            let renderer = layer_renderer(extensions.get(), extensions.get());
            let cause = Misconfiguration::UnresolvedRequirement {
                label: error.label(),
                detail: error.to_string(),
            };
            return Err(Denial::new(cause.into(), renderer.cloned().unwrap_or_default()));
        }
    };
    let params = requirement.has_templates().then(|| request.path_params());
    let (renderer, principal) = admitted_state(request.extensions());
    match &params {
        Some(params) => authorize_request(renderer, principal, requirement, params),
        None => authorize_request(renderer, principal, requirement, &()),
    }
    .map(drop)
}

/// Whether the caller of a request whose extensions are `extensions` meets
/// `requirement` (no templates), for route selection. A request the
/// authentication step did not see never matches, and is logged at
/// `error!`: the missing step is a configuration error.
pub fn route_matches(extensions: &(impl ExtensionSource + ?Sized), requirement: &Requirement) -> bool {
    let principal = extensions.get::<Principal>();
    if layer_renderer(extensions.get(), principal).is_none() {
        tracing::error!(
            requirement = %requirement,
            "route selected by scope on a request the authentication step did not see: \
             wrap the app (or scope) in the authentication middleware (`AuthMiddleware` \
             in actix-web, `AuthLayer` in tower); the route does not match"
        );
        return false;
    }
    principal.is_some_and(|principal| principal.check(requirement, &()).is_ok())
}

fn with_claims<C: FromPrincipal>(
    principal: &Principal,
    extensions: &(impl ExtensionSource + ?Sized),
) -> Result<(Principal, C), Denial> {
    let claims = C::from_principal(principal)
        .map_err(|error| Denial::of_principal(error, extensions.get(), principal))?;
    Ok((principal.clone(), claims))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DenialRenderer;

    /// A request with these extensions and no path parameters.
    struct Extensions(http::Extensions);

    impl RequestContext for Extensions {
        type Extensions = http::Extensions;
        type Params = ();

        fn extensions(&self) -> &http::Extensions {
            &self.0
        }

        fn path_params(&mut self) {}
    }

    fn admitted(scopes: &str) -> Extensions {
        let mut extensions = http::Extensions::new();
        let principal = Principal::builder().scopes(scopes.parse().unwrap()).build();
        extensions.insert(principal.with_denial_renderer(DenialRenderer::default()));
        Extensions(extensions)
    }

    fn anonymous() -> Extensions {
        let mut extensions = http::Extensions::new();
        extensions.insert(DenialRenderer::default());
        Extensions(extensions)
    }

    #[test]
    fn an_unresolved_requirement_is_answered_500_with_its_label() {
        let denial = admit_registered(7, &mut admitted("order")).unwrap_err();
        assert_eq!(denial.error().status(), 500);
        assert_eq!(denial.error().label(), "unregistered_requirement");
        let response = denial.deny();
        assert!(response.headers().all(|(name, _)| name != "www-authenticate"));
    }

    #[test]
    fn optional_authentication_is_none_only_without_credentials() {
        assert!(
            admit_optional::<crate::validation::claims::Claims>(&anonymous())
                .unwrap()
                .is_none()
        );
        assert!(
            admit_optional::<crate::validation::claims::Claims>(&admitted("order"))
                .unwrap()
                .is_some()
        );
        let unconfigured = Extensions(http::Extensions::new());
        let denial = admit_optional::<crate::validation::claims::Claims>(&unconfigured).unwrap_err();
        assert_eq!(denial.error().status(), 500);
    }

    #[test]
    fn admit_hands_back_the_principal_that_meets_the_requirement() {
        let requirement = Requirement::parse("order:item").unwrap();
        let (principal, _claims) =
            admit::<crate::validation::claims::Claims>(&mut admitted("order"), &requirement).unwrap();
        assert_eq!(principal.scopes().to_string(), "order");
        let denial =
            admit::<crate::validation::claims::Claims>(&mut admitted("inventory"), &requirement).unwrap_err();
        assert_eq!(denial.error().status(), 403);
        let denial = admit::<crate::validation::claims::Claims>(&mut anonymous(), &requirement).unwrap_err();
        assert_eq!(denial.error().status(), 401);
    }

    #[test]
    fn route_matches_never_without_the_authentication_step() {
        let requirement = Requirement::parse("order").unwrap();
        assert!(route_matches(&admitted("order").0, &requirement));
        assert!(!route_matches(&admitted("inventory").0, &requirement));
        assert!(!route_matches(&anonymous().0, &requirement));
        let mut unconfigured = http::Extensions::new();
        unconfigured.insert(Principal::builder().scopes("order".parse().unwrap()).build());
        assert!(!route_matches(&unconfigured, &requirement));
    }
}
