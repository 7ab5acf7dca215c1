//! SPEC §3.3: where discovery looks for an issuer's metadata, for issuers
//! with and without a path, with and without a terminating `/`, against a
//! key server that serves the metadata at the one correct URL only.
//!
//! - OpenID Connect Discovery §4: the terminating `/` of the issuer is
//!   removed, then `/.well-known/openid-configuration` is appended.
//! - RFC 8414 §3.1: the terminating `/` is removed, then
//!   `/.well-known/oauth-authorization-server` is inserted between the host
//!   and the path.
#![cfg(feature = "remote-keys")]

#[allow(dead_code, reason = "the key server's other replies serve remote_keys.rs")]
mod remote_support;

use std::time::Duration;

use remote_support::{KeyServer, Reply, ed25519, jwks};
use scopeguard_core::validation::keys::{JwksSource, KeySource};

const TIMEOUT: Duration = Duration::from_millis(300);

/// Issuer paths (appended to the server's origin) and the path each one's
/// metadata has, before the well-known suffix (OIDC) or after the
/// well-known prefix (RFC 8414).
const ISSUERS: [(&str, &str); 6] = [
    ("", ""),
    ("/", ""),
    ("/realms/shop", "/realms/shop"),
    ("/realms/shop/", "/realms/shop"),
    ("/issuer1", "/issuer1"),
    ("/issuer1/", "/issuer1"),
];

fn metadata(issuer: &str, jwks_uri: &str) -> Reply {
    Reply::json(format!(
        r#"{{"issuer":"{issuer}","jwks_uri":"{jwks_uri}","response_types_supported":["code"]}}"#
    ))
}

/// Discovers from `issuer_path` on a server serving its metadata at
/// `metadata_path` only; returns the server, for its hit counts, once the
/// key set was obtained (panics if it was not).
async fn discovered(issuer_path: &str, metadata_path: &str) -> KeyServer {
    let server = KeyServer::start().await;
    let issuer = server.url(issuer_path);
    server.serve(metadata_path, metadata(&issuer, &server.url("/keys")));
    server.serve("/keys", Reply::json(jwks(&[ed25519("a")])));
    let source = JwksSource::discover(&issuer)
        .timeout(TIMEOUT)
        .build()
        .await
        .expect("a valid configuration");
    let keys = source
        .key_set()
        .unwrap_or_else(|error| panic!("{issuer}: no key set from {metadata_path}: {error:?}"));
    assert_eq!(keys.len(), 1, "{issuer}");
    server
}

#[tokio::test]
async fn the_openid_configuration_is_appended_to_the_issuer_without_its_terminating_slash() {
    for (issuer_path, path) in ISSUERS {
        let metadata_path = format!("{path}/.well-known/openid-configuration");
        let server = discovered(issuer_path, &metadata_path).await;
        assert_eq!(server.hits(&metadata_path), 1, "{issuer_path:?}");
        assert_eq!(
            server.hits(&format!("/.well-known/oauth-authorization-server{path}")),
            0,
            "{issuer_path:?}: OpenID Connect is asked first"
        );
    }
}

#[tokio::test]
async fn the_rfc_8414_document_is_inserted_before_the_issuer_path_without_its_terminating_slash() {
    for (issuer_path, path) in ISSUERS {
        let metadata_path = format!("/.well-known/oauth-authorization-server{path}");
        let server = discovered(issuer_path, &metadata_path).await;
        assert_eq!(server.hits(&metadata_path), 1, "{issuer_path:?}");
        assert_eq!(
            server.hits(&format!("{path}/.well-known/openid-configuration")),
            1,
            "{issuer_path:?}: OpenID Connect was asked first"
        );
    }
}
