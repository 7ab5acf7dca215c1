//! Building a [`ProtectedResourceMetadata`], with every problem reported at
//! once.

use super::document::ProtectedResourceMetadata;
use super::location::{is_issuer_identifier, is_web_url, metadata_path, metadata_url};
use crate::inventory::catalogue::ScopeCatalogue;
use crate::inventory::usage::TemplateScopes;
use crate::scopes::scope::validate;

/// Builds a [`ProtectedResourceMetadata`]; see
/// [`ProtectedResourceMetadata::builder`].
///
/// ```
/// use scopeguard_core::inventory::catalogue::ScopeCatalogue;
/// use scopeguard_core::inventory::metadata::ProtectedResourceMetadata;
///
/// let catalogue = ScopeCatalogue::new().scope("order", "Everything about orders");
/// let metadata = ProtectedResourceMetadata::builder("https://api.example.com")
///     .authorization_server("https://auth.example.com/realms/acme")
///     .scopes_from_app()
///     .include_template_prefixes(true)
///     .catalogue(&catalogue)
///     .resource_name("Order API")
///     .build()
///     .unwrap();
/// assert!(metadata.scopes_supported().contains(&"order".to_owned()));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ProtectedResourceMetadataBuilder {
    resource: String,
    authorization_servers: Vec<String>,
    scopes: Vec<String>,
    from_app: bool,
    template_prefixes: bool,
    resource_name: Option<String>,
    resource_documentation: Option<String>,
    dpop_algs: Option<Vec<String>>,
    dpop_required: bool,
}

impl ProtectedResourceMetadataBuilder {
    pub(super) fn new(resource: String) -> Self {
        Self {
            resource,
            authorization_servers: Vec::new(),
            scopes: Vec::new(),
            from_app: false,
            template_prefixes: false,
            resource_name: None,
            resource_documentation: None,
            dpop_algs: None,
            dpop_required: false,
        }
    }

    /// Lists the DPoP proof algorithms accepted
    /// (`dpop_signing_alg_values_supported`) and, when `required`, adds
    /// `dpop_bound_access_tokens_required: true` (RFC 9728 §2, SPEC §6).
    ///
    /// ```
    /// use scopeguard_core::inventory::metadata::ProtectedResourceMetadata;
    ///
    /// let required = ProtectedResourceMetadata::builder("https://api.example.com")
    ///     .dpop(["ES256", "EdDSA"], true)
    ///     .build()
    ///     .unwrap();
    /// assert!(required.to_json().ends_with(
    ///     r#""dpop_signing_alg_values_supported":["ES256","EdDSA"],"dpop_bound_access_tokens_required":true}"#
    /// ));
    /// let allowed = ProtectedResourceMetadata::builder("https://api.example.com")
    ///     .dpop(["ES256"], false)
    ///     .build()
    ///     .unwrap();
    /// assert!(allowed.to_json().ends_with(r#""dpop_signing_alg_values_supported":["ES256"]}"#));
    /// let without = ProtectedResourceMetadata::builder("https://api.example.com").build().unwrap();
    /// assert!(!without.to_json().contains("dpop"));
    /// ```
    pub fn dpop<I>(mut self, algorithms: I, required: bool) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.dpop_algs = Some(algorithms.into_iter().map(Into::into).collect());
        self.dpop_required = required;
        self
    }

    /// [`dpop`](Self::dpop) from an authentication step's DPoP settings;
    /// nothing when DPoP is off.
    #[cfg(feature = "dpop")]
    #[cfg_attr(docsrs, doc(cfg(feature = "dpop")))]
    pub fn dpop_config(self, config: &crate::dpop::DpopConfig) -> Self {
        use crate::dpop::DpopMode;

        match config.mode() {
            DpopMode::Off => self,
            mode => self.dpop(config.algorithm_names(), mode == DpopMode::Required),
        }
    }

    /// Adds the issuer identifier of an authorization server that issues
    /// tokens for this resource (RFC 8414 §2: an absolute `http(s)` URL
    /// with no query and no fragment).
    pub fn authorization_server(mut self, issuer: impl Into<String>) -> Self {
        self.authorization_servers.push(issuer.into());
        self
    }

    /// Lists, in `scopes_supported`, every scope the program's routes
    /// require (`#[requires_scope]` handlers, `scope!` declarations and
    /// `RequireScope` layers), computed each time the document is written
    /// (see [`used_scopes`](crate::inventory::usage::used_scopes)).
    pub fn scopes_from_app(mut self) -> Self {
        self.from_app = true;
        self
    }

    /// With [`scopes_from_app`](Self::scopes_from_app), also lists the fixed
    /// prefix of every template scope (`transaction-` for
    /// `transaction-{tx}`), for authorization servers that issue prefix
    /// scopes. Off by default.
    pub fn include_template_prefixes(mut self, include: bool) -> Self {
        self.template_prefixes = include;
        self
    }

    /// Lists `scopes` in `scopes_supported`.
    pub fn scopes<I>(mut self, scopes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// Lists every scope of `catalogue` in `scopes_supported`: scopes a
    /// client may ask for though no route names them, such as a parent scope
    /// (`order`, which covers `order:item`).
    pub fn catalogue(self, catalogue: &ScopeCatalogue) -> Self {
        self.scopes(catalogue.iter().map(|(scope, _)| scope))
    }

    /// Sets `resource_name`, the resource's name for people.
    pub fn resource_name(mut self, name: impl Into<String>) -> Self {
        self.resource_name = Some(name.into());
        self
    }

    /// Sets `resource_documentation`, the URL of documentation for
    /// developers.
    pub fn resource_documentation(mut self, url: impl Into<String>) -> Self {
        self.resource_documentation = Some(url.into());
        self
    }

    /// Checks the settings and builds the document.
    pub fn build(self) -> Result<ProtectedResourceMetadata, MetadataError> {
        let mut problems = Vec::new();
        let location = metadata_url(&self.resource).zip(metadata_path(&self.resource));
        if location.is_none() {
            problems.push(MetadataProblem::InvalidResource);
        }
        problems.extend(
            self.authorization_servers
                .iter()
                .enumerate()
                .filter(|(_, issuer)| !is_issuer_identifier(issuer))
                .map(|(index, _)| MetadataProblem::InvalidAuthorizationServer { index }),
        );
        problems.extend(
            self.scopes
                .iter()
                .enumerate()
                .filter(|(_, scope)| validate(scope).is_err())
                .map(|(index, _)| MetadataProblem::InvalidScope { index }),
        );
        if self
            .resource_name
            .as_deref()
            .is_some_and(|name| name.trim().is_empty() || name.chars().any(char::is_control))
        {
            problems.push(MetadataProblem::InvalidResourceName);
        }
        if self
            .resource_documentation
            .as_deref()
            .is_some_and(|url| !is_web_url(url))
        {
            problems.push(MetadataProblem::InvalidResourceDocumentation);
        }
        let Some((url, path)) = location.filter(|_| problems.is_empty()) else {
            return Err(MetadataError { problems });
        };

        let mut listed_scopes = self.scopes;
        listed_scopes.sort_unstable();
        listed_scopes.dedup();
        let templates = if self.template_prefixes {
            TemplateScopes::FixedPrefix
        } else {
            TemplateScopes::Omit
        };
        Ok(ProtectedResourceMetadata {
            resource: self.resource,
            authorization_servers: self.authorization_servers,
            listed_scopes,
            scopes_from_app: self.from_app.then_some(templates),
            resource_name: self.resource_name,
            resource_documentation: self.resource_documentation,
            url,
            path,
            dpop_algs: self.dpop_algs,
            dpop_required: self.dpop_required,
        })
    }
}

/// One problem in a [`ProtectedResourceMetadataBuilder`] configuration.
///
/// The messages never repeat the rejected value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataProblem {
    /// The resource identifier is not an absolute `http(s)` URL without a
    /// fragment.
    #[error("the resource must be an absolute http(s) URL without a fragment")]
    InvalidResource,
    /// An authorization server is not an absolute `http(s)` URL without
    /// query and fragment.
    #[error("authorization server #{index} must be an absolute http(s) URL without query or fragment")]
    InvalidAuthorizationServer {
        /// Its position, from 0, in the order given.
        index: usize,
    },
    /// A listed scope breaks the scope grammar.
    #[error("listed scope #{index} is not a valid scope")]
    InvalidScope {
        /// Its position, from 0, in the order given.
        index: usize,
    },
    /// The resource name is blank or holds a control character.
    #[error("the resource name must be non-blank text without control characters")]
    InvalidResourceName,
    /// The documentation URL is not an absolute `http(s)` URL.
    #[error("the resource documentation must be an absolute http(s) URL")]
    InvalidResourceDocumentation,
}

impl MetadataProblem {
    /// A stable label.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::InvalidResource => "invalid_resource",
            Self::InvalidAuthorizationServer { .. } => "invalid_authorization_server",
            Self::InvalidScope { .. } => "invalid_scope",
            Self::InvalidResourceName => "invalid_resource_name",
            Self::InvalidResourceDocumentation => "invalid_resource_documentation",
        }
    }
}

/// Every problem found in a [`ProtectedResourceMetadataBuilder`]
/// configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid resource metadata: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct MetadataError {
    problems: Vec<MetadataProblem>,
}

impl MetadataError {
    /// The problems, in the order they were found.
    pub fn problems(&self) -> &[MetadataProblem] {
        &self.problems
    }
}
