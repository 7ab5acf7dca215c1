//! The signature step on its own: a compact JWS (RFC 7515 §7.1) verified
//! with the key its header selects from a [`KeySet`], under an algorithm
//! allowlist.
//!
//! [`JwtValidator`](super::JwtValidator) takes the same steps for access
//! tokens (the header rules, the key choice of SPEC §3.2, the signature)
//! and then checks the claims. [`KeySet::verify_jws`] stops after the
//! signature: for JWS payloads that are not access tokens, and to check
//! the signature layer against published JWS test vectors.

use std::fmt;
use std::sync::Arc;

use jsonwebtoken::Algorithm;
use jsonwebtoken::errors::ErrorKind;

use super::header::{Compact, check_jws_header, decode_part};
use crate::error::InvalidToken;
use crate::validation::keys::{KeyKind, KeySelectionError, KeySet, VerificationKey};

/// A compact JWS whose signature verified, with its payload.
///
/// Only the signature is checked: the payload is whatever the signer
/// signed, not claims that were validated.
#[derive(Clone)]
pub struct VerifiedJws {
    algorithm: Algorithm,
    key: Arc<VerificationKey>,
    payload: Vec<u8>,
}

impl VerifiedJws {
    /// The algorithm of the header, one of the allowed ones.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The key that verified the signature.
    pub fn key(&self) -> &Arc<VerificationKey> {
        &self.key
    }

    /// The payload, base64url-decoded.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The payload, base64url-decoded, by value.
    pub fn into_payload(self) -> Vec<u8> {
        self.payload
    }
}

impl fmt::Debug for VerifiedJws {
    /// Shows the algorithm and the key, never the payload.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedJws")
            .field("algorithm", &self.algorithm)
            .field("key", &self.key)
            .field("payload_len", &self.payload.len())
            .finish()
    }
}

impl KeySet {
    /// Verifies the signature of a compact JWS with the key its header
    /// selects from this set, accepting only the `algorithms` listed.
    ///
    /// The checks are those [`JwtValidator`](super::JwtValidator) makes
    /// before reading claims, in order: three base64url parts (the payload
    /// may be empty); a JSON header whose `alg` is in `algorithms` (never
    /// `none`) and that has no `crit`; the key chosen by `kid` and `alg`
    /// (SPEC §3.2; `jku`, `x5u`, `jwk` and `x5c` are never used); the
    /// payload's base64url; the signature. The `typ` header is not read:
    /// what the payload is, is the caller's to judge.
    ///
    /// This does not validate an access token: use
    /// [`JwtValidator`](super::JwtValidator) for that. A rejection is a
    /// `tracing` event at debug level with its label; the JWS itself is
    /// never logged.
    ///
    /// ```
    /// use scopeguard_core::validation::jwt::Algorithm;
    /// use scopeguard_core::validation::keys::{KeySet, VerificationKey};
    ///
    /// // RFC 7520 §4.4: an HS256 JWS made with the key of RFC 7520 §3.5.
    /// let jwk = serde_json::json!({
    ///     "kty": "oct", "kid": "018c0ae5-4d9b-471b-bfd6-eef314bc7037", "use": "sig", "alg": "HS256",
    ///     "k": "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg",
    /// });
    /// let key = VerificationKey::from_jwk(&serde_json::from_value(jwk)?)?;
    /// let keys = KeySet::new([key]);
    /// let jws = concat!(
    ///     "eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9",
    ///     ".SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4",
    ///     ".s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0",
    /// );
    ///
    /// let verified = keys.verify_jws(jws, &[Algorithm::HS256])?;
    /// assert!(verified.payload().starts_with("It’s a dangerous business".as_bytes()));
    /// // Without HMAC in the allowlist, the same JWS is refused.
    /// assert!(keys.verify_jws(jws, &[Algorithm::RS256]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_jws(&self, jws: &str, algorithms: &[Algorithm]) -> Result<VerifiedJws, InvalidToken> {
        self.verify_compact(jws, algorithms).inspect_err(|error| {
            tracing::debug!(reason = error.label(), "JWS rejected");
        })
    }

    fn verify_compact(&self, jws: &str, algorithms: &[Algorithm]) -> Result<VerifiedJws, InvalidToken> {
        // A validator's builder does this; here no builder ran.
        super::install_crypto_provider();
        let parts = Compact::split_jws(jws)?;
        let header = check_jws_header(parts.header, algorithms)?;
        let key = select(self, header.kid.as_deref(), header.alg)?;
        let payload = decode_part(parts.payload)?;
        verify_signature(&parts, &key, header.alg)?;
        Ok(VerifiedJws {
            algorithm: header.alg,
            key,
            payload,
        })
    }
}

/// The key for `kid` and `alg` (SPEC §3.2), as a token error.
pub(super) fn select(
    keys: &KeySet,
    kid: Option<&str>,
    alg: Algorithm,
) -> Result<Arc<VerificationKey>, InvalidToken> {
    keys.select(kid, alg)
        .map(Arc::clone)
        .map_err(|error| match error {
            KeySelectionError::Unknown => InvalidToken::UnknownKey,
            KeySelectionError::Ambiguous => InvalidToken::AmbiguousKey,
        })
}

/// Verifies the signature over `header.payload` with `key` and `alg`.
pub(super) fn verify_signature(
    parts: &Compact<'_>,
    key: &VerificationKey,
    alg: Algorithm,
) -> Result<(), InvalidToken> {
    if cfg!(feature = "aws-lc-rs") && key.kind() == KeyKind::Hmac {
        let tag = decode_part(parts.signature)?;
        if let Some(valid) = key.verify_hmac(alg, parts.signing_input.as_bytes(), &tag) {
            return if valid {
                Ok(())
            } else {
                Err(InvalidToken::InvalidSignature)
            };
        }
    }
    match jsonwebtoken::crypto::verify(
        parts.signature,
        parts.signing_input.as_bytes(),
        key.decoding_key(),
        alg,
    ) {
        Ok(true) => Ok(()),
        Err(error) if matches!(error.kind(), ErrorKind::Base64(_)) => Err(InvalidToken::Malformed),
        Ok(false) | Err(_) => Err(InvalidToken::InvalidSignature),
    }
}
