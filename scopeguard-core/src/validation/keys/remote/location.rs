//! Where a key set is fetched from: a JWKS URL, or the one an issuer's
//! metadata names.

use std::fmt;
use std::time::Duration;

use reqwest::Url;

use super::discovery::Discovery;
use super::fetch::{Failure, FetchError, Http};
use super::freshness;
use crate::validation::keys::KeySet;

/// Where a key set comes from.
#[derive(Debug, Clone)]
pub(super) enum Location {
    /// A configured JWKS URL.
    Jwks(Url),
    /// The `jwks_uri` of an issuer's metadata.
    Discovery(Discovery),
}

/// A fetched key set.
#[derive(Debug)]
pub(super) struct FetchedKeys {
    pub(super) keys: KeySet,
    /// The answer's `Cache-Control` `max-age`.
    pub(super) max_age: Option<Duration>,
}

impl Location {
    /// Fetches the key set, sharing the unchanged keys of `previous`.
    ///
    /// With discovery, `jwks_uri` remembers the URL last discovered; it is
    /// forgotten when its key set cannot be fetched, so the next attempt
    /// reads the metadata again.
    pub(super) async fn fetch(
        &self,
        http: &Http,
        jwks_uri: &mut Option<Url>,
        previous: Option<&KeySet>,
    ) -> Result<FetchedKeys, FetchError> {
        let url = match (self, jwks_uri.take()) {
            (Self::Jwks(url), _) => url.clone(),
            (Self::Discovery(_), Some(url)) => url,
            (Self::Discovery(discovery), None) => discovery.jwks_uri(http).await?,
        };
        let fetched = fetch_key_set(http, &url, previous).await?;
        if matches!(self, Self::Discovery(_)) {
            *jwks_uri = Some(url);
        }
        Ok(fetched)
    }
}

async fn fetch_key_set(http: &Http, url: &Url, previous: Option<&KeySet>) -> Result<FetchedKeys, FetchError> {
    let document = http.get(url).await?;
    let keys = KeySet::from_jwks_json_reusing(&document.body, previous)
        .map_err(|_| Failure::NotAKeySet { url: url.clone() })?;
    Ok(FetchedKeys {
        keys,
        max_age: freshness::max_age(&document.headers),
    })
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Jwks(url) => write!(f, "{url}"),
            Self::Discovery(discovery) => write!(f, "discovery from {}", discovery.issuer()),
        }
    }
}
