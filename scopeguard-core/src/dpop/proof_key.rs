//! The public key a DPoP proof carries in its `jwk` header (RFC 9449 §4.2),
//! checked and parsed once per distinct key.
//!
//! A client signs every proof with the same key, so the parsed key and its
//! thumbprint are kept in a small bounded cache keyed by the `jwk`'s exact
//! bytes: a request pays one signature check, never a key parse.

use std::fmt;
use std::sync::Arc;

use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use super::thumbprint::jwk_thumbprint;
use crate::error::DpopProofError;

/// Members only a private or symmetric key has.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The base64url length of a 2048-bit RSA modulus: smaller keys are refused.
const MIN_RSA_MODULUS_CHARS: usize = 342;

/// A proof key: its verification key, its type and its thumbprint.
pub(crate) struct ProofKey {
    key: DecodingKey,
    kind: KeyKind,
    thumbprint: Box<str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    P256,
    P384,
    Ed25519,
    Rsa,
}

impl ProofKey {
    /// Checks and parses the `jwk` header's text: a public EC (P-256,
    /// P-384), OKP (Ed25519) or RSA key, with no private member.
    fn parse(jwk: &str) -> Result<Self, DpopProofError> {
        let members: Map<String, Value> =
            serde_json::from_str(jwk).map_err(|_| DpopProofError::InvalidKey)?;
        if PRIVATE_MEMBERS.iter().any(|name| members.contains_key(*name)) {
            return Err(DpopProofError::InvalidKey);
        }
        let text = |name: &str| {
            members
                .get(name)
                .and_then(Value::as_str)
                .ok_or(DpopProofError::InvalidKey)
        };
        let (kind, key) = match (text("kty")?, members.get("crv").and_then(Value::as_str)) {
            ("EC", Some(crv @ ("P-256" | "P-384"))) => (
                if crv == "P-256" {
                    KeyKind::P256
                } else {
                    KeyKind::P384
                },
                DecodingKey::from_ec_components(text("x")?, text("y")?),
            ),
            ("OKP", Some("Ed25519")) => (KeyKind::Ed25519, DecodingKey::from_ed_components(text("x")?)),
            ("RSA", _) => {
                let n = text("n")?;
                // At least 2048 bits: 342 base64url characters, leading
                // zero bytes (`A`s) not counted.
                if n.trim_start_matches('A').len() < MIN_RSA_MODULUS_CHARS {
                    return Err(DpopProofError::InvalidKey);
                }
                (KeyKind::Rsa, DecodingKey::from_rsa_components(n, text("e")?))
            }
            _ => return Err(DpopProofError::InvalidKey),
        };
        let key = key.map_err(|_| DpopProofError::InvalidKey)?;
        let thumbprint = jwk_thumbprint(&members).ok_or(DpopProofError::InvalidKey)?;
        Ok(Self {
            key,
            kind,
            thumbprint: thumbprint.into_boxed_str(),
        })
    }

    /// Whether this key can verify signatures of `alg`.
    pub(crate) fn fits(&self, alg: Algorithm) -> bool {
        matches!(
            (self.kind, alg),
            (KeyKind::P256, Algorithm::ES256)
                | (KeyKind::P384, Algorithm::ES384)
                | (KeyKind::Ed25519, Algorithm::EdDSA)
                | (
                    KeyKind::Rsa,
                    Algorithm::RS256
                        | Algorithm::RS384
                        | Algorithm::RS512
                        | Algorithm::PS256
                        | Algorithm::PS384
                        | Algorithm::PS512
                )
        )
    }

    /// The verification key.
    pub(crate) fn key(&self) -> &DecodingKey {
        &self.key
    }

    /// The RFC 7638 thumbprint.
    pub(crate) fn thumbprint(&self) -> &str {
        &self.thumbprint
    }
}

impl fmt::Debug for ProofKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProofKey")
            .field("kind", &self.kind)
            .field("thumbprint", &self.thumbprint)
            .finish_non_exhaustive()
    }
}

/// Parsed proof keys by the exact text of their `jwk`.
pub(crate) struct ProofKeyCache(quick_cache::sync::Cache<Box<str>, Arc<ProofKey>>);

impl ProofKeyCache {
    /// A cache of at most `capacity` keys.
    pub(crate) fn new(capacity: usize) -> Self {
        Self(quick_cache::sync::Cache::new(capacity.max(1)))
    }

    /// The key `jwk` describes, parsed once. Refused keys are not kept.
    pub(crate) fn get(&self, jwk: &str) -> Result<Arc<ProofKey>, DpopProofError> {
        if let Some(key) = self.0.get(jwk) {
            return Ok(key);
        }
        let key = Arc::new(ProofKey::parse(jwk)?);
        self.0.insert(jwk.into(), Arc::clone(&key));
        Ok(key)
    }
}

impl fmt::Debug for ProofKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProofKeyCache")
            .field("len", &self.0.len())
            .finish()
    }
}

/// The `ath` (base64url SHA-256) of recently seen access tokens, keyed by
/// the whole token: a token reused across requests is hashed once, and no
/// other token can hit its entry.
pub(crate) struct TokenHashCache(quick_cache::sync::Cache<Box<str>, Arc<str>>);

impl TokenHashCache {
    /// A cache of at most `capacity` tokens.
    pub(crate) fn new(capacity: usize) -> Self {
        Self(quick_cache::sync::Cache::new(capacity.max(1)))
    }

    /// base64url(SHA-256(`token`)).
    pub(crate) fn ath(&self, token: &str) -> Arc<str> {
        if let Some(ath) = self.0.get(token) {
            return ath;
        }
        let ath: Arc<str> = crate::digest::sha256_base64url(token.as_bytes()).into();
        self.0.insert(token.into(), Arc::clone(&ath));
        ath
    }
}

impl fmt::Debug for TokenHashCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenHashCache")
            .field("len", &self.0.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_symmetric_keys_are_refused() {
        for jwk in [
            r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#,
            r#"{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQ"}"#,
            r#"{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}"#,
            r#"{"kty":"OKP","crv":"X25519","x":"AA"}"#,
            // A 512-bit RSA key.
            r#"{"kty":"RSA","e":"AQAB","n":"wQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-Cw"}"#,
            "[]",
        ] {
            assert_eq!(
                ProofKey::parse(jwk).unwrap_err(),
                DpopProofError::InvalidKey,
                "{jwk}"
            );
        }
    }

    #[test]
    fn a_key_fits_its_own_algorithms_only() {
        let key = ProofKey::parse(
            r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#,
        )
        .unwrap();
        assert!(key.fits(Algorithm::ES256));
        assert!(!key.fits(Algorithm::ES384));
        assert!(!key.fits(Algorithm::RS256));
        assert!(!key.fits(Algorithm::HS256));
    }
}
