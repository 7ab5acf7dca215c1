//! Stateless server nonces (SPEC §3.6, RFC 9449 §8, §9).
//!
//! A nonce is the number of the current time step and a MAC over it made
//! with a configured secret: any replica given the same secret accepts the
//! nonces of the others, with no shared state. A nonce is accepted during
//! its own step and the next one, so it lives between one and two steps.
//!
//! ```
//! use std::time::Duration;
//! use scopeguard_core::dpop::DpopNonces;
//!
//! let nonces = DpopNonces::new(b"a secret of 32 bytes or more....", Duration::from_secs(300)).unwrap();
//! let nonce = nonces.nonce_at(1_000_000);
//! assert!(nonces.accepts(&nonce, 1_000_000));
//! assert!(nonces.accepts(&nonce, 1_000_000 + 300));
//! assert!(!nonces.accepts(&nonce, 1_000_000 + 600));
//! let other = DpopNonces::new(b"another secret of 32 bytes......", Duration::from_secs(300)).unwrap();
//! assert!(!other.accepts(&nonce, 1_000_000));
//! ```

use std::fmt;
use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey};

use crate::digest::constant_time_eq;

/// Makes and checks stateless DPoP nonces.
#[derive(Clone)]
pub struct DpopNonces {
    key: EncodingKey,
    step_secs: u64,
}

/// Why [`DpopNonces::new`] refused its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DpopNonceError {
    /// The secret is shorter than 16 bytes.
    #[error("the DPoP nonce secret must be at least 16 bytes")]
    ShortSecret,
    /// The lifetime is under one second.
    #[error("the DPoP nonce lifetime must be at least one second")]
    ZeroLifetime,
}

impl DpopNonces {
    /// Nonces made with `secret` (at least 16 bytes; give every replica the
    /// same), each valid for `lifetime` (whole seconds, at least one).
    pub fn new(secret: &[u8], lifetime: Duration) -> Result<Self, DpopNonceError> {
        if secret.len() < 16 {
            return Err(DpopNonceError::ShortSecret);
        }
        if lifetime.as_secs() == 0 {
            return Err(DpopNonceError::ZeroLifetime);
        }
        // The MAC is jsonwebtoken's HS256: its backend must be chosen.
        crate::validation::jwt::install_crypto_provider();
        Ok(Self {
            key: EncodingKey::from_secret(secret),
            step_secs: lifetime.as_secs(),
        })
    }

    /// The nonce of the time step holding `now` (seconds since the epoch).
    pub fn nonce_at(&self, now: u64) -> String {
        self.nonce_of_step(now / self.step_secs)
    }

    /// Whether `nonce` is the nonce of the step holding `now` or of the
    /// step before.
    pub fn accepts(&self, nonce: &str, now: u64) -> bool {
        let Some((step, _)) = nonce.split_once('.') else {
            return false;
        };
        let Ok(step) = step.parse::<u64>() else {
            return false;
        };
        let current = now / self.step_secs;
        (step == current || step.checked_add(1) == Some(current))
            && constant_time_eq(self.nonce_of_step(step).as_bytes(), nonce.as_bytes())
    }

    /// Whether `nonce` was made in an earlier step than `now`'s: a success
    /// then carries the next nonce.
    pub(crate) fn is_stale(&self, nonce: &str, now: u64) -> bool {
        nonce
            .split_once('.')
            .and_then(|(step, _)| step.parse::<u64>().ok())
            .is_none_or(|step| step < now / self.step_secs)
    }

    fn nonce_of_step(&self, step: u64) -> String {
        let message = format!("dpop-nonce.{step}");
        // HMAC-SHA256 over the step; `sign` fails only for a key of the
        // wrong family, which an `EncodingKey::from_secret` never is.
        let mac =
            jsonwebtoken::crypto::sign(message.as_bytes(), &self.key, Algorithm::HS256).unwrap_or_default();
        format!("{step}.{mac}")
    }
}

impl fmt::Debug for DpopNonces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopNonces")
            .field("secret", &"<redacted>")
            .field("step_secs", &self.step_secs)
            .finish_non_exhaustive()
    }
}
