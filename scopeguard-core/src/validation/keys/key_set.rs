//! The keys of one issuer, and how a token's key is chosen among them.

use std::sync::Arc;

use jsonwebtoken::Algorithm;

use super::{KeyError, KeyKind, VerificationKey};

/// Why no key can verify a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeySelectionError {
    /// No key has the token's `kid` (or, without `kid`, none supports its `alg`).
    #[error("no key matches the token")]
    Unknown,
    /// The token has no `kid` and several keys support its `alg`.
    #[error("several keys could verify the token")]
    Ambiguous,
}

/// Why a JWKS document cannot be used at all.
///
/// A document that parses is never refused over one bad key: unusable keys
/// are skipped and counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwksError {
    /// Not a JSON object with a `keys` array.
    #[error("the key set document is not a JSON object with a `keys` array")]
    NotAKeySet,
}

/// The verification keys of one issuer.
///
/// Cloning is cheap: keys are shared.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<Arc<VerificationKey>>,
    skipped: Vec<KeyError>,
}

impl KeySet {
    /// A key set from keys.
    ///
    /// ```
    /// use scopeguard_core::validation::keys::{KeySet, VerificationKey};
    ///
    /// let keys = KeySet::new([VerificationKey::hmac_secret(b"a shared secret of at least 32 bytes").with_kid("k1")]);
    /// assert_eq!(keys.len(), 1);
    /// ```
    pub fn new(keys: impl IntoIterator<Item = VerificationKey>) -> Self {
        Self {
            keys: keys.into_iter().map(Arc::new).collect(),
            skipped: Vec::new(),
        }
    }

    /// Parses a JWKS document (RFC 7517 §5), skipping the keys that cannot
    /// verify signatures here (`use: enc`, unknown `kty` or curve, bad
    /// parameters, symmetric keys).
    ///
    /// ```
    /// use scopeguard_core::validation::keys::KeySet;
    ///
    /// let document = br#"{"keys": [
    ///     {"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
    ///     {"kty": "RSA", "use": "enc", "kid": "enc", "n": "AQAB", "e": "AQAB"},
    ///     {"kty": "unknown"}
    /// ]}"#;
    /// let keys = KeySet::from_jwks_json(document).unwrap();
    /// assert_eq!(keys.len(), 1);
    /// assert_eq!(keys.skipped().len(), 2);
    /// ```
    pub fn from_jwks_json(document: &[u8]) -> Result<Self, JwksError> {
        Self::from_jwks_json_reusing(document, None)
    }

    /// Like [`from_jwks_json`](Self::from_jwks_json), but keeps sharing the
    /// keys of `previous` that the document still holds unchanged, so state
    /// tied to a key (such as cached verified tokens) survives a refresh.
    pub fn from_jwks_json_reusing(document: &[u8], previous: Option<&KeySet>) -> Result<Self, JwksError> {
        #[derive(serde::Deserialize)]
        struct Document {
            keys: Vec<serde_json::Value>,
        }
        // A JWK set is a JSON object (RFC 7517 §5); serde would also read
        // the struct from an array (`[[...]]`).
        let is_object = document
            .iter()
            .find(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
            == Some(&b'{');
        if !is_object {
            return Err(JwksError::NotAKeySet);
        }
        let document: Document = serde_json::from_slice(document).map_err(|_| JwksError::NotAKeySet)?;
        let mut set = Self::default();
        for value in document.keys {
            if let Some(existing) = previous.and_then(|previous| previous.find_source(&value)) {
                set.keys.push(existing);
                continue;
            }
            if value.get("kty").and_then(serde_json::Value::as_str) == Some("oct") {
                set.skipped.push(KeyError::SymmetricInKeySet);
                continue;
            }
            match VerificationKey::from_jwk_json(value) {
                Ok(key) => set.keys.push(Arc::new(key)),
                Err(error) => set.skipped.push(error),
            }
        }
        Ok(set)
    }

    fn find_source(&self, value: &serde_json::Value) -> Option<Arc<VerificationKey>> {
        self.keys.iter().find(|key| key.source() == Some(value)).cloned()
    }

    /// The number of usable keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set has no usable key. An empty set is still a key set:
    /// tokens are invalid (401), not unverifiable (503).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The usable keys.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<VerificationKey>> + '_ {
        self.keys.iter()
    }

    /// Why each skipped key of the source document was skipped.
    pub fn skipped(&self) -> &[KeyError] {
        &self.skipped
    }

    /// Whether this very key (not merely an equal one) is in the set.
    pub fn contains(&self, key: &Arc<VerificationKey>) -> bool {
        self.keys.iter().any(|own| Arc::ptr_eq(own, key))
    }

    /// Whether a key has this `kid`.
    pub fn has_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|key| key.kid() == Some(kid))
    }

    /// Chooses the key for a token (SPEC §3.2).
    ///
    /// With a `kid`, the key of that `kid` that supports `alg`. Without, the
    /// one key that supports `alg`; none or several is an error. A key's own
    /// `alg`, when it has one, must be `alg` either way.
    pub fn select(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<&Arc<VerificationKey>, KeySelectionError> {
        let mut candidates = self
            .keys
            .iter()
            .filter(|key| key.supports(alg) && kid.is_none_or(|kid| key.kid() == Some(kid)));
        let first = candidates.next().ok_or(KeySelectionError::Unknown)?;
        match candidates.next() {
            None => Ok(first),
            Some(_) => Err(KeySelectionError::Ambiguous),
        }
    }

    /// Whether some key could verify `alg` at all.
    pub fn supports(&self, alg: Algorithm) -> bool {
        self.keys.iter().any(|key| key.supports(alg))
    }

    /// The kinds of the usable keys.
    pub fn kinds(&self) -> impl Iterator<Item = KeyKind> + '_ {
        self.keys.iter().map(|key| key.kind())
    }
}

impl FromIterator<VerificationKey> for KeySet {
    fn from_iter<T: IntoIterator<Item = VerificationKey>>(iter: T) -> Self {
        Self::new(iter)
    }
}
