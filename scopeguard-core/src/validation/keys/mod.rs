//! Verification keys and where they come from (SPEC §3.2, §3.3).
//!
//! - [`VerificationKey`]: one public key or shared secret, with the
//!   algorithms it may verify.
//! - [`KeySet`]: the keys of one issuer, and the rules that pick the key for
//!   a token (`kid`, then the token's `alg`).
//! - [`KeySource`]: where an issuer's current key set comes from: a fixed
//!   [`KeySet`], or a JWKS fetched and refreshed over HTTP.
//!
//! # What is checked when a key is loaded
//!
//! Every source (PEM, DER, JWK, JWKS) is held to the same rules:
//!
//! - RSA: a modulus of at least 2048 bits (RFC 7518 §3.3), else
//!   [`KeyError::RsaModulusTooSmall`], without the ROCA fingerprint
//!   (CVE-2017-15361); a public exponent that is odd, above 1 and at most 8
//!   bytes.
//! - EC: P-256 or P-384 only (other curves are [`KeyError::Unsupported`]),
//!   with a point or coordinates of the curve's size. Whether the point
//!   lies on the curve is left to the crypto backend when it verifies.
//! - Ed25519: a JWK's `x` must be 32 bytes; the length of a PEM or raw key
//!   is not checked when it is loaded (a wrong one verifies nothing).
//! - Shared secrets: at least as long as the hash of each HMAC algorithm
//!   they verify (RFC 7518 §3.2: 32 bytes for HS256, 48 for HS384, 64 for
//!   HS512); [`VerificationKey::hmac_secret`] logs a warning for a shorter
//!   one, which then verifies nothing; a JWK `oct` key needs at least 32
//!   bytes (and its `alg`'s length when it names one), and is never taken
//!   from a JWKS document.

mod der;
mod ec_curve;
mod jwk_parameters;
mod key_set;
#[cfg(feature = "aws-lc-rs")]
mod prepared_hmac;
#[cfg(feature = "remote-keys")]
pub(crate) mod remote;
mod roca;
mod rsa_public_key;
mod verification_key;

pub use key_set::{JwksError, KeySelectionError, KeySet};
#[cfg(feature = "remote-keys")]
pub use remote::{HttpFetchSettings, JwksSource, JwksSourceBuilder, JwksSourceError, JwksSourceProblem};
pub use verification_key::{KeyError, KeyKind, VerificationKey};

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::error::Unavailable;

/// A boxed future returned by [`KeySource::refresh`].
pub type RefreshFuture<'a> = Pin<Box<dyn Future<Output = Result<Arc<KeySet>, Unavailable>> + Send + 'a>>;

/// Where an issuer's current key set comes from.
///
/// Reading the current set is lock-free and never waits on the network.
/// [`refresh`](KeySource::refresh) is called when a token names a key the
/// current set lacks; an implementation makes it single-flight and
/// rate-limited, so a flood of unknown `kid`s causes at most one fetch per
/// cooldown.
pub trait KeySource: Send + Sync + fmt::Debug + 'static {
    /// The key set to verify with now, or [`Unavailable::KeySet`] when no key
    /// set was ever obtained.
    fn key_set(&self) -> Result<Arc<KeySet>, Unavailable>;

    /// Asks for a fresh key set because a token names an unknown key.
    ///
    /// Resolves to the key set to use afterwards: the new one, or the current
    /// one when the cooldown forbids a fetch or the fetch fails.
    fn refresh(&self) -> RefreshFuture<'_>;
}

/// A fixed key set shared without copying: the [`KeySource`] for static keys.
#[derive(Debug, Clone)]
pub struct StaticKeys(Arc<KeySet>);

impl StaticKeys {
    /// A source that always answers with `keys`.
    pub fn new(keys: KeySet) -> Self {
        Self(Arc::new(keys))
    }
}

impl From<KeySet> for StaticKeys {
    fn from(keys: KeySet) -> Self {
        Self::new(keys)
    }
}

impl KeySource for StaticKeys {
    fn key_set(&self) -> Result<Arc<KeySet>, Unavailable> {
        Ok(Arc::clone(&self.0))
    }

    fn refresh(&self) -> RefreshFuture<'_> {
        Box::pin(std::future::ready(self.key_set()))
    }
}
