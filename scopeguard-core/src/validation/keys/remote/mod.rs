//! Keys fetched over HTTP: a JWKS URL, or discovery from the issuer
//! (SPEC §3.3).
//!
//! [`JwksSource`] is the [`KeySource`](crate::validation::keys::KeySource) for an
//! identity provider's published keys. It is cached, refreshed in the
//! background, single-flight on unknown `kid`s, and keeps the last good key
//! set when the key server fails.
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use scopeguard_core::validation::keys::{JwksSource, KeySource};
//!
//! # async fn run() -> Result<(), scopeguard_core::validation::keys::JwksSourceError> {
//! // From the issuer's metadata (OpenID Connect Discovery, then RFC 8414).
//! let keys: Arc<dyn KeySource> = Arc::new(JwksSource::discover("https://idp.example.com").build().await?);
//! # Ok(())
//! # }
//! ```

mod background;
mod builder;
mod config_error;
pub(crate) mod discovery;
pub(crate) mod fetch;
mod freshness;
pub(crate) mod http_settings;
mod jwks;
mod key_cache;
mod location;
mod schedule;

pub use builder::JwksSourceBuilder;
pub use config_error::{JwksSourceError, JwksSourceProblem};
pub use http_settings::HttpFetchSettings;
pub use jwks::JwksSource;
