//! [`JwksSource`]: an issuer's keys, fetched over HTTP and kept fresh.

use std::fmt;
use std::sync::Arc;

use tokio::sync::oneshot;

use super::JwksSourceBuilder;
use super::background;
use super::key_cache::KeyCache;
use crate::error::Unavailable;
use crate::validation::keys::{KeySet, KeySource, RefreshFuture};

/// A [`KeySource`] that fetches a JWK set over HTTP (SPEC §3.3): from a JWKS
/// URL, or from the `jwks_uri` an issuer's metadata names.
///
/// - [`key_set`](KeySource::key_set) is lock-free and never waits on the
///   network. Until a key set was obtained it answers
///   [`Unavailable::KeySet`] with the time to the next attempt (503).
/// - A background task refreshes the set before it goes stale: after the
///   answer's `Cache-Control: max-age`, clamped (default 60 s to 24 h), or
///   every [`refresh_interval`](JwksSourceBuilder::refresh_interval)
///   (default 300 s). It ends when the last clone of the source is dropped.
/// - [`refresh`](KeySource::refresh), called for a token with an unknown
///   `kid`, is single-flight (concurrent callers share one fetch) and
///   rate-limited by a [`cooldown`](JwksSourceBuilder::cooldown) (default
///   30 s) that only these fetches start: a key rotated in right after the
///   first fetch or a background refresh is fetched on its first request.
/// - A failed fetch keeps the last good key set, logs a warning, and is
///   retried with backoff, so the source recovers without a restart.
/// - A fetched empty key set is a key set: tokens are then invalid (401),
///   not unverifiable.
///
/// The source runs on tokio: build it inside a runtime that outlives it.
/// Cloning is cheap and clones share the key set. Its schedule and its
/// cooldown read tokio's clock ([`tokio::time::Instant`]), so a test with a
/// paused clock moves them with `tokio::time::advance`.
///
/// ```no_run
/// use std::time::Duration;
///
/// use scopeguard_core::validation::keys::{JwksSource, KeySource};
///
/// # async fn run() -> Result<(), scopeguard_core::validation::keys::JwksSourceError> {
/// let keys = JwksSource::builder("https://idp.example.com/.well-known/jwks.json")
///     .cooldown(Duration::from_secs(60))
///     .build()
///     .await?;
/// match keys.key_set() {
///     Ok(set) => println!("{} keys", set.len()),
///     Err(unavailable) => println!("retry in {:?}", unavailable.retry_after()),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct JwksSource {
    cache: Arc<KeyCache>,
}

impl JwksSource {
    /// Configures a source that fetches the JWK set at `jwks_url`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), scopeguard_core::validation::keys::JwksSourceError> {
    /// use scopeguard_core::validation::keys::JwksSource;
    ///
    /// let keys = JwksSource::builder("https://idp.example.com/.well-known/jwks.json")
    ///     .build()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn builder(jwks_url: impl Into<String>) -> JwksSourceBuilder {
        JwksSourceBuilder::jwks_url(jwks_url.into())
    }

    /// Configures a source that finds the JWK set through the metadata of
    /// `issuer`: `{issuer}/.well-known/openid-configuration`, else the
    /// RFC 8414 document, `/.well-known/oauth-authorization-server` inserted
    /// between the host and the path of `issuer`. A terminating `/` of the
    /// issuer is removed first in both (`https://idp.example.com/realms/shop/`
    /// is asked at `/realms/shop/.well-known/openid-configuration`, then at
    /// `/.well-known/oauth-authorization-server/realms/shop`).
    ///
    /// The document's `issuer` must equal `issuer` exactly (byte for byte,
    /// trailing slash included); a document naming another issuer is a
    /// failed fetch. While the key set was never fetched, every attempt
    /// reads the metadata again.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), scopeguard_core::validation::keys::JwksSourceError> {
    /// use scopeguard_core::validation::keys::JwksSource;
    ///
    /// let keys = JwksSource::discover("https://idp.example.com/realms/shop")
    ///     .build()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn discover(issuer: impl Into<String>) -> JwksSourceBuilder {
        JwksSourceBuilder::issuer(issuer.into())
    }

    pub(super) fn start(cache: Arc<KeyCache>, dropped: oneshot::Receiver<()>) -> Self {
        background::spawn(&cache, dropped);
        Self { cache }
    }
}

impl KeySource for JwksSource {
    fn key_set(&self) -> Result<Arc<KeySet>, Unavailable> {
        self.cache.current()
    }

    fn refresh(&self) -> RefreshFuture<'_> {
        let seen = self.cache.fetches();
        Box::pin(Arc::clone(&self.cache).refresh(seen))
    }
}

impl fmt::Debug for JwksSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksSource")
            .field("location", &format_args!("{}", self.cache.location))
            .field("keys", &self.cache.key_count())
            .finish_non_exhaustive()
    }
}
