//! Sender-constrained tokens: DPoP (SPEC §3.6, RFC 9449), feature `dpop`.
//!
//! A DPoP-bound token names the thumbprint of a client key in its
//! `cnf.jkt`; every request carries a fresh proof signed with that key,
//! naming the request's method and URI and the token's hash. A stolen
//! token is useless without the key, and a captured proof cannot be reused.
//!
//! The checks run once, in the authentication step
//! ([`Authenticator::dpop`](crate::request::Authenticator::dpop)), for every
//! adapter and every kind of token (JWT or introspected):
//!
//! - [`DpopMode`]: `Off`, `Allowed` (Bearer and DPoP), `Required` (DPoP only);
//!   a bound token sent as `Bearer` is refused in every mode;
//! - [`DpopConfig`]: algorithms, `iat` window and leeway, public origin and
//!   trusted proxies (for `htu`), nonces, replay store;
//! - the proof checks, in the order of [`DpopProofError`]'s variants;
//! - [`ReplayStore`]: [`MemoryReplayStore`] by default, a Redis store with
//!   feature `redis` for several replicas;
//! - [`DpopNonces`]: stateless server nonces.
//!
//! ```
//! use scopeguard_core::dpop::{DpopConfig, DpopMode};
//! use scopeguard_core::request::Authenticator;
//! # use scopeguard_core::{AuthError, Principal, TokenValidator};
//! # struct MyValidator;
//! # impl TokenValidator for MyValidator {
//! #     async fn validate(&self, _: &str) -> Result<Principal, AuthError> { Err(AuthError::MissingCredentials) }
//! # }
//!
//! let dpop = DpopConfig::builder()
//!     .mode(DpopMode::Allowed)
//!     .public_origin("https://api.example.com")
//!     .build()
//!     .unwrap();
//! let authenticator = Authenticator::new(MyValidator).dpop(dpop);
//! # let _ = authenticator;
//! ```

mod config;
mod htu;
mod member;
mod mode;
mod nonce;
mod proof;
mod proof_key;
pub mod replay;
pub(crate) mod request_check;
mod thumbprint;

pub use crate::error::DpopProofError;
pub use config::{DpopConfig, DpopConfigBuilder, DpopConfigError, DpopConfigProblem};
pub use htu::normalize_uri;
pub use mode::{DpopMode, UnknownDpopMode};
pub use nonce::{DpopNonceError, DpopNonces};
#[cfg(feature = "redis")]
pub use replay::RedisReplayStore;
pub use replay::{MemoryReplayStore, Recorded, ReplayStore, ReplayStoreError};
pub use thumbprint::jwk_thumbprint;

#[cfg(feature = "test-util")]
pub(crate) use config::algorithm_name as config_algorithm_name;

/// base64url(SHA-256(`token`)): the `ath` a proof carries for `token`.
///
/// ```
/// assert_eq!(
///     scopeguard_core::dpop::access_token_hash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
///     "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo",
/// );
/// ```
pub fn access_token_hash(token: &str) -> String {
    crate::digest::sha256_base64url(token.as_bytes())
}
