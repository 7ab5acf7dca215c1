//! The protected-resource metadata document (RFC 9728 §2).

use serde::Serialize;

use super::builder::ProtectedResourceMetadataBuilder;
use crate::inventory::usage::{TemplateScopes, used_scopes};

/// The metadata of a protected resource (RFC 9728 §2), served as JSON at
/// [`path`](Self::path).
///
/// Built with [`ProtectedResourceMetadata::builder`]; its JSON has the
/// members `resource`, `authorization_servers`, `scopes_supported`,
/// `bearer_methods_supported` (always `["header"]`: scopeguard reads tokens
/// from the `Authorization` header only), then `resource_name` and
/// `resource_documentation` when set.
///
/// With [`scopes_from_app`](ProtectedResourceMetadataBuilder::scopes_from_app),
/// `scopes_supported` is computed whenever the document is written, from the
/// requirements the program uses
/// ([`used_scopes`](crate::inventory::usage::used_scopes)), so it follows the routes.
///
/// ```
/// use scopeguard_core::inventory::metadata::ProtectedResourceMetadata;
///
/// let metadata = ProtectedResourceMetadata::builder("https://api.example.com")
///     .authorization_server("https://auth.example.com")
///     .scopes(["order:item", "inventory:price"])
///     .build()
///     .unwrap();
/// assert_eq!(
///     metadata.to_json(),
///     r#"{"resource":"https://api.example.com","authorization_servers":["https://auth.example.com"],"scopes_supported":["inventory:price","order:item"],"bearer_methods_supported":["header"]}"#,
/// );
/// assert_eq!(metadata.url(), "https://api.example.com/.well-known/oauth-protected-resource");
/// assert_eq!(metadata.path(), "/.well-known/oauth-protected-resource");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedResourceMetadata {
    pub(super) resource: String,
    pub(super) authorization_servers: Vec<String>,
    /// Scopes listed by hand, sorted and without duplicates.
    pub(super) listed_scopes: Vec<String>,
    /// Whether, and how, the program's used scopes join them.
    pub(super) scopes_from_app: Option<TemplateScopes>,
    pub(super) resource_name: Option<String>,
    pub(super) resource_documentation: Option<String>,
    pub(super) url: String,
    pub(super) path: String,
    /// `dpop_signing_alg_values_supported` (RFC 9728 §2), when DPoP is on.
    pub(super) dpop_algs: Option<Vec<String>>,
    /// `dpop_bound_access_tokens_required`: in DPoP's `Required` mode.
    pub(super) dpop_required: bool,
}

impl ProtectedResourceMetadata {
    /// A builder for the metadata of the resource identified by `resource`:
    /// an absolute `http(s)` URL without a fragment, the URL clients call
    /// (RFC 9728 §1.2).
    pub fn builder(resource: impl Into<String>) -> ProtectedResourceMetadataBuilder {
        ProtectedResourceMetadataBuilder::new(resource.into())
    }

    /// The resource identifier.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The issuer identifiers of the authorization servers.
    pub fn authorization_servers(&self) -> &[String] {
        &self.authorization_servers
    }

    /// The scopes of the document as of now, sorted and without duplicates.
    pub fn scopes_supported(&self) -> Vec<String> {
        let Some(templates) = self.scopes_from_app else {
            return self.listed_scopes.clone();
        };
        let mut scopes = used_scopes(templates);
        scopes.extend(self.listed_scopes.iter().cloned());
        scopes.sort_unstable();
        scopes.dedup();
        scopes
    }

    /// The human-readable name of the resource, if set.
    pub fn resource_name(&self) -> Option<&str> {
        self.resource_name.as_deref()
    }

    /// The URL of the resource's documentation, if set.
    pub fn resource_documentation(&self) -> Option<&str> {
        self.resource_documentation.as_deref()
    }

    /// The URL of this document (RFC 9728 §3.1), for the `resource_metadata`
    /// attribute of challenges.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The path at which to serve this document: the path of
    /// [`url`](Self::url), without its query.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The document as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a document of strings always serializes")
    }
}

/// The JSON members, in the order they are written.
#[derive(Serialize)]
struct Document<'a> {
    resource: &'a str,
    authorization_servers: &'a [String],
    scopes_supported: Vec<String>,
    bearer_methods_supported: [&'static str; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_documentation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dpop_signing_alg_values_supported: Option<&'a [String]>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dpop_bound_access_tokens_required: bool,
}

impl Serialize for ProtectedResourceMetadata {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Document {
            resource: &self.resource,
            authorization_servers: &self.authorization_servers,
            scopes_supported: self.scopes_supported(),
            bearer_methods_supported: ["header"],
            resource_name: self.resource_name.as_deref(),
            resource_documentation: self.resource_documentation.as_deref(),
            dpop_signing_alg_values_supported: self.dpop_algs.as_deref(),
            dpop_bound_access_tokens_required: self.dpop_required,
        }
        .serialize(serializer)
    }
}
