//! What a test issuer publishes over HTTP: its key set and its metadata.

use serde_json::json;

use super::TestIssuer;

impl TestIssuer {
    /// The issuer's public key set, a JWKS document (RFC 7517 §5) holding its
    /// one key with `kid`, `alg` and `use: sig`: what to serve at the
    /// `jwks_uri`.
    ///
    /// ```
    /// use scopeguard_core::validation::keys::KeySet;
    /// use scopeguard_core::test_util::TestIssuer;
    ///
    /// let issuer = TestIssuer::new();
    /// let keys = KeySet::from_jwks_json(issuer.jwks_json().as_bytes()).unwrap();
    /// assert!(keys.has_kid(issuer.kid()));
    /// ```
    pub fn jwks_json(&self) -> String {
        json!({ "keys": [self.public_jwk()] }).to_string()
    }

    /// The issuer's metadata document (OpenID Connect Discovery §3, RFC 8414
    /// §2) naming `jwks_uri`: what to serve at
    /// `{issuer}/.well-known/openid-configuration`.
    ///
    /// It holds what a resource server reads to find the issuer's keys,
    /// `issuer` and `jwks_uri`, and nothing else: a test issuer has no
    /// endpoints of its own.
    ///
    /// ```
    /// use scopeguard_core::test_util::TestIssuer;
    ///
    /// let issuer = TestIssuer::builder().issuer("http://127.0.0.1:9000").build().unwrap();
    /// let metadata: serde_json::Value =
    ///     serde_json::from_str(&issuer.discovery_json("http://127.0.0.1:9000/jwks.json")).unwrap();
    /// assert_eq!(metadata["issuer"], "http://127.0.0.1:9000");
    /// assert_eq!(metadata["jwks_uri"], "http://127.0.0.1:9000/jwks.json");
    /// ```
    pub fn discovery_json(&self, jwks_uri: &str) -> String {
        json!({
            "issuer": self.issuer(),
            "jwks_uri": jwks_uri,
        })
        .to_string()
    }
}
