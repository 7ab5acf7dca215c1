//! Verification keys and where they come from (SPEC §3.2, §3.3).
//!
//! - [`VerificationKey`]: one public key or shared secret, with the
//!   algorithms it may verify.
//! - [`KeySet`]: the keys of one issuer, and the rules that pick the key for
//!   a token (`kid`, then the token's `alg`).
//! - [`KeySource`]: where an issuer's current key set comes from: a fixed
//!   [`KeySet`], or a JWKS fetched and refreshed over HTTP.

mod ec_curve;
mod jwk_parameters;
mod key_set;
#[cfg(feature = "aws-lc-rs")]
mod prepared_hmac;
#[cfg(feature = "remote-keys")]
pub(crate) mod remote;
mod roca;
mod verification_key;

pub use key_set::{JwksError, KeySelectionError, KeySet};
#[cfg(feature = "remote-keys")]
pub use remote::{JwksSource, JwksSourceBuilder, JwksSourceError, JwksSourceProblem};
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
