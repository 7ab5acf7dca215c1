//! OAuth 2.0 protected-resource metadata (RFC 9728; SPEC §6).
//!
//! A resource server publishes, at
//! `/.well-known/oauth-protected-resource` ([`WELL_KNOWN_PATH`]), a JSON
//! document saying which authorization servers issue its tokens and which
//! scopes it understands. Clients find it through the `resource_metadata`
//! attribute of the server's challenges (RFC 9728 §5.1).
//!
//! - [`ProtectedResourceMetadata`] is the document; its `scopes_supported`
//!   can follow the routes ([`scopes_from_app`](ProtectedResourceMetadataBuilder::scopes_from_app)).
//! - [`metadata_url`] and [`metadata_path`] say where the document lives
//!   (RFC 9728 §3.1).
//! - The adapters serve it: `scopeguard_axum::metadata::router` and
//!   `scopeguard_actix::metadata::service`, mounted outside the
//!   authentication layer so it answers whatever `Authorization` says.
//!
//! ```
//! use scopeguard_core::ChallengeConfig;
//! use scopeguard_core::inventory::metadata::ProtectedResourceMetadata;
//!
//! let metadata = ProtectedResourceMetadata::builder("https://api.example.com")
//!     .authorization_server("https://auth.example.com")
//!     .scopes_from_app()
//!     .build()
//!     .unwrap();
//!
//! // Every 400, 401 and 403 challenge points at the document.
//! let challenge = ChallengeConfig::builder()
//!     .resource_metadata(metadata.url())
//!     .build()
//!     .unwrap();
//! assert_eq!(
//!     challenge.resource_metadata(),
//!     Some("https://api.example.com/.well-known/oauth-protected-resource"),
//! );
//! ```

mod builder;
mod document;
mod location;

pub use builder::{MetadataError, MetadataProblem, ProtectedResourceMetadataBuilder};
pub use document::ProtectedResourceMetadata;
pub use location::{WELL_KNOWN_PATH, metadata_path, metadata_url};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::catalogue::ScopeCatalogue;

    fn json(metadata: &ProtectedResourceMetadata) -> serde_json::Value {
        serde_json::from_str(&metadata.to_json()).expect("JSON")
    }

    #[test]
    fn the_document_has_the_rfc_9728_members_in_order() {
        let metadata = ProtectedResourceMetadata::builder("http://127.0.0.1:8080")
            .authorization_server("https://auth.example.com")
            .scopes(["order:item", "inventory:price", "order:item"])
            .build()
            .expect("valid metadata");
        assert_eq!(
            metadata.to_json(),
            concat!(
                r#"{"resource":"http://127.0.0.1:8080","#,
                r#""authorization_servers":["https://auth.example.com"],"#,
                r#""scopes_supported":["inventory:price","order:item"],"#,
                r#""bearer_methods_supported":["header"]}"#
            )
        );
        assert_eq!(
            metadata.url(),
            "http://127.0.0.1:8080/.well-known/oauth-protected-resource"
        );
        assert_eq!(metadata.path(), WELL_KNOWN_PATH);
    }

    #[test]
    fn name_and_documentation_appear_only_when_set() {
        let metadata = ProtectedResourceMetadata::builder("https://api.example.com/v1")
            .resource_name("Order API")
            .resource_documentation("https://docs.example.com/api#auth")
            .build()
            .expect("valid metadata");
        assert_eq!(
            json(&metadata),
            serde_json::json!({
                "resource": "https://api.example.com/v1",
                "authorization_servers": [],
                "scopes_supported": [],
                "bearer_methods_supported": ["header"],
                "resource_name": "Order API",
                "resource_documentation": "https://docs.example.com/api#auth",
            })
        );
        assert_eq!(metadata.path(), "/.well-known/oauth-protected-resource/v1");
    }

    #[test]
    fn the_catalogue_adds_its_scopes() {
        let catalogue = ScopeCatalogue::new()
            .scope("order", "Everything about orders")
            .scope("order:item", "Order items");
        let metadata = ProtectedResourceMetadata::builder("https://api.example.com")
            .scopes(["order:item"])
            .catalogue(&catalogue)
            .build()
            .expect("valid metadata");
        assert_eq!(metadata.scopes_supported(), ["order", "order:item"]);
    }

    #[test]
    fn scopes_from_the_app_follow_requirements_recorded_after_the_build() {
        let metadata = ProtectedResourceMetadata::builder("https://api.example.com")
            .scopes_from_app()
            .scopes(["metadata-test:listed"])
            .build()
            .expect("valid metadata");
        assert!(
            !metadata
                .scopes_supported()
                .contains(&"metadata-test:late".to_owned())
        );
        crate::inventory::usage::record(
            &crate::Requirement::parse("all(metadata-test:late, metadata-test:{id})").unwrap(),
        );
        let scopes = metadata.scopes_supported();
        assert!(scopes.contains(&"metadata-test:late".to_owned()));
        assert!(scopes.contains(&"metadata-test:listed".to_owned()));
        assert!(!scopes.contains(&"metadata-test:".to_owned()));
    }

    #[test]
    fn template_prefixes_are_listed_only_when_asked() {
        crate::inventory::usage::record(&crate::Requirement::parse("metadata-test:tx-{tx}").unwrap());
        let builder = ProtectedResourceMetadata::builder("https://api.example.com").scopes_from_app();
        let without = builder.clone().build().expect("valid metadata");
        let with = builder
            .include_template_prefixes(true)
            .build()
            .expect("valid metadata");
        assert!(
            !without
                .scopes_supported()
                .contains(&"metadata-test:tx-".to_owned())
        );
        assert!(with.scopes_supported().contains(&"metadata-test:tx-".to_owned()));
        assert!(!with.to_json().contains("{tx}"));
    }

    #[test]
    fn every_problem_is_reported_at_once_without_echoing_values() {
        let error = ProtectedResourceMetadata::builder("https://api.example.com/#secret")
            .authorization_server("https://auth.example.com")
            .authorization_server("https://auth.example.com/?secret=1")
            .scopes(["fine", "not fine"])
            .resource_name("\u{7}")
            .resource_documentation("docs")
            .build()
            .unwrap_err();
        assert_eq!(
            error.problems(),
            [
                MetadataProblem::InvalidResource,
                MetadataProblem::InvalidAuthorizationServer { index: 1 },
                MetadataProblem::InvalidScope { index: 1 },
                MetadataProblem::InvalidResourceName,
                MetadataProblem::InvalidResourceDocumentation,
            ]
        );
        assert!(!error.to_string().contains("secret"), "{error}");
        assert_eq!(error.problems()[0].label(), "invalid_resource");
    }
}
