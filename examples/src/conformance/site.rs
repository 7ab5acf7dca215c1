//! What a conformance server says about itself: its resource identifier
//! `http://ADDR`, its protected-resource metadata document (RFC 9728) and
//! the challenge settings that point at it (SPEC §6, §7).

use std::net::SocketAddr;

use scopeguard_core::dpop::DpopConfig;
use scopeguard_core::error::challenge::ChallengeConfig;
use scopeguard_core::inventory::metadata::ProtectedResourceMetadata;
use scopeguard_core::inventory::registry::registered_requirements;
use scopeguard_core::inventory::usage::{TemplateScopes, declared_requirements, scopes_of};
use scopeguard_core::{NamedRequirement, Requirement};

use super::StartupError;
use super::config::ConformanceConfig;

/// The resource identifier, metadata document and challenge settings of a
/// server listening on one address.
#[derive(Debug, Clone)]
pub struct ResourceSite {
    /// `http://ADDR`.
    pub resource: String,
    /// The metadata document, served at
    /// `http://ADDR/.well-known/oauth-protected-resource`.
    pub document: ProtectedResourceMetadata,
    /// The realm, and the document's URL as `resource_metadata`.
    pub challenge: ChallengeConfig,
    /// The DPoP settings of every route.
    pub dpop: DpopConfig,
}

impl ResourceSite {
    /// The site of a server bound to `addr`, whose routes require `scopes`
    /// (see [`RouteScopes`]).
    pub fn new(
        addr: SocketAddr,
        config: &ConformanceConfig,
        scopes: Vec<String>,
        dpop: DpopConfig,
    ) -> Result<Self, StartupError> {
        let resource = format!("http://{addr}");
        let document = ProtectedResourceMetadata::builder(resource.as_str())
            .authorization_server(config.issuer.as_str())
            .scopes(scopes)
            .dpop_config(&dpop)
            .build()?;
        let challenge = ChallengeConfig::builder()
            .realm(config.realm.as_str())
            .resource_metadata(document.url())
            .build()?;
        Ok(Self {
            resource,
            document,
            challenge,
            dpop,
        })
    }
}

/// The requirements of one server's routes, gathered for its
/// `scopes_supported`: its `RequireScope` layers, its `scope!` types and
/// its `#[requires_scope]` handlers.
///
/// Only the declarations and handlers of the server's own crate count, so
/// that other code linked into the binary cannot add scopes no route
/// requires.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct RouteScopes {
    requirements: Vec<Requirement>,
}

impl RouteScopes {
    /// No requirement yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a layer's requirement.
    pub fn layer(mut self, requirement: &Requirement) -> Self {
        self.requirements.push(requirement.clone());
        self
    }

    /// Adds the requirement `R` names (a `Scoped<R>` extractor).
    pub fn extractor<R: NamedRequirement>(self) -> Self {
        self.layer(R::requirement())
    }

    /// Adds every `scope!` declaration and `#[requires_scope]` handler of
    /// the module `module` (e.g. `module_path!()` of a binary's root) and
    /// its submodules.
    pub fn declared_in(mut self, module: &str) -> Self {
        let inside = |path: &str| {
            path.strip_prefix(module)
                .is_some_and(|rest| rest.starts_with("::"))
        };
        self.requirements.extend(
            declared_requirements()
                .filter(|declared| inside(declared.name()))
                .filter_map(|declared| declared.requirement().ok()),
        );
        self.requirements.extend(
            registered_requirements()
                .filter(|registered| inside(registered.handler()))
                .filter_map(|registered| registered.requirement().ok())
                .cloned(),
        );
        self
    }

    /// Every non-template scope of the requirements, sorted, each once.
    pub fn scopes(&self) -> Vec<String> {
        scopes_of(&self.requirements, TemplateScopes::Omit)
    }
}
