//! The configuration of a [`JwksSource`], validated when it is built.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use super::JwksSource;
use super::config_error::{JwksSourceError, JwksSourceProblem};
use super::discovery::{Discovery, IssuerProblem};
use super::freshness::Freshness;
use super::http_settings::HttpFetchSettings;
use super::key_cache::{CacheSettings, KeyCache};
use super::location::Location;
use super::schedule::{Backoff, Schedule};

/// Where the builder was told to find the keys.
#[derive(Debug, Clone)]
enum Target {
    JwksUrl(String),
    Issuer(String),
}

/// Builds a [`JwksSource`]; made by [`JwksSource::builder`] or
/// [`JwksSource::discover`].
///
/// Every setting has a default; [`build`](Self::build) checks them all and
/// reports every problem at once.
#[derive(Debug, Clone)]
#[must_use]
pub struct JwksSourceBuilder {
    target: Target,
    refresh_interval: Duration,
    max_age_bounds: (Duration, Duration),
    cooldown: Duration,
    retry_backoff: (Duration, Duration),
    http: HttpFetchSettings,
}

impl JwksSourceBuilder {
    fn new(target: Target) -> Self {
        Self {
            target,
            refresh_interval: Duration::from_secs(300),
            max_age_bounds: (Duration::from_secs(60), Duration::from_secs(24 * 60 * 60)),
            cooldown: Duration::from_secs(30),
            retry_backoff: (Duration::from_secs(1), Duration::from_secs(30)),
            http: HttpFetchSettings::for_key_sets(),
        }
    }

    pub(super) fn jwks_url(url: String) -> Self {
        Self::new(Target::JwksUrl(url))
    }

    pub(super) fn issuer(issuer: String) -> Self {
        Self::new(Target::Issuer(issuer))
    }

    /// How long a key set stays fresh when its answer has no
    /// `Cache-Control: max-age`. Default: 300 s.
    pub fn refresh_interval(mut self, interval: Duration) -> Self {
        self.refresh_interval = interval;
        self
    }

    /// The range a `Cache-Control: max-age` is clamped to before it sets
    /// the next refresh. Default: 60 s to 24 h.
    pub fn max_age_bounds(mut self, min: Duration, max: Duration) -> Self {
        self.max_age_bounds = (min, max);
        self
    }

    /// The shortest time between two fetches asked for by tokens with an
    /// unknown `kid`. Inside the cooldown,
    /// [`refresh`](crate::validation::keys::KeySource::refresh) answers with the current
    /// key set without fetching. Only those fetches start it: the first
    /// fetch and the scheduled background refreshes do not, so a key
    /// rotated in right after one of them is fetched on its first request.
    /// Default: 30 s; zero lets every unknown `kid` fetch (one fetch at a
    /// time still serves all callers).
    pub fn cooldown(mut self, cooldown: Duration) -> Self {
        self.cooldown = cooldown;
        self
    }

    /// The delay before retrying a failed fetch: `initial`, doubling after
    /// each failure in a row, at most `max`. Default: 1 s to 30 s.
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry_backoff = (initial, max);
        self
    }

    super::http_settings::http_fetch_setters!(for_key_sets);

    /// Builds the source and fetches the key set once before returning.
    ///
    /// The source is returned even when that first fetch fails (the failure
    /// is logged): it keeps retrying in the background, and until a key set
    /// arrives [`key_set`](crate::validation::keys::KeySource::key_set) answers
    /// [`Unavailable::KeySet`](crate::error::Unavailable::KeySet).
    ///
    /// Must run inside a tokio runtime, which must outlive the source: the
    /// background refresh runs on it.
    pub async fn build(self) -> Result<JwksSource, JwksSourceError> {
        let (cache, dropped) = self.cache()?;
        cache.refresh_if_due().await;
        Ok(JwksSource::start(cache, dropped))
    }

    /// Builds the source without waiting: the first fetch starts at once in
    /// the background.
    ///
    /// Must be called inside a tokio runtime, which must outlive the source.
    pub fn build_in_background(self) -> Result<JwksSource, JwksSourceError> {
        let (cache, dropped) = self.cache()?;
        Ok(JwksSource::start(cache, dropped))
    }

    fn cache(self) -> Result<(Arc<KeyCache>, oneshot::Receiver<()>), JwksSourceError> {
        let mut problems = Vec::new();
        let location = match &self.target {
            Target::JwksUrl(url) => match Url::parse(url) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
                    Some(Location::Jwks(url))
                }
                _ => {
                    problems.push(JwksSourceProblem::InvalidUrl { setting: "jwks_url" });
                    None
                }
            },
            Target::Issuer(issuer) => match Discovery::new(issuer) {
                Ok(discovery) => Some(Location::Discovery(discovery)),
                Err(IssuerProblem::NotAnHttpUrl) => {
                    problems.push(JwksSourceProblem::InvalidUrl { setting: "issuer" });
                    None
                }
                Err(IssuerProblem::QueryOrFragment) => {
                    problems.push(JwksSourceProblem::IssuerWithQueryOrFragment);
                    None
                }
            },
        };
        let positive = [
            ("refresh_interval", self.refresh_interval),
            ("max_age_bounds", self.max_age_bounds.0),
            ("retry_backoff", self.retry_backoff.0),
        ];
        for (setting, duration) in positive {
            if duration.is_zero() {
                problems.push(JwksSourceProblem::ZeroDuration { setting });
            }
        }
        for (setting, (min, max)) in [
            ("max_age_bounds", self.max_age_bounds),
            ("retry_backoff", self.retry_backoff),
        ] {
            if min > max {
                problems.push(JwksSourceProblem::InvertedBounds { setting, min, max });
            }
        }
        let http = self.http.into_http(&mut problems);
        let runtime = Handle::try_current()
            .map_err(|_| problems.push(JwksSourceProblem::NoRuntime))
            .ok();
        let (Some(location), Some(http), Some(runtime), true) =
            (location, http, runtime, problems.is_empty())
        else {
            return Err(JwksSourceError { problems });
        };
        let (cache, dropped) = KeyCache::new(CacheSettings {
            location,
            http,
            freshness: Freshness {
                interval: self.refresh_interval,
                min: self.max_age_bounds.0,
                max: self.max_age_bounds.1,
            },
            cooldown: self.cooldown,
            schedule: Schedule::new(Backoff {
                initial: self.retry_backoff.0,
                max: self.retry_backoff.1,
            }),
            runtime,
        });
        Ok((Arc::new(cache), dropped))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);
    const DAY: Duration = Duration::from_secs(24 * 60 * 60);

    /// The configuration a source built with every default runs with (SPEC
    /// §3.3), read from the built cache, not from the builder.
    #[tokio::test]
    async fn the_defaults_are_those_of_the_spec() {
        let (cache, _dropped) = JwksSourceBuilder::jwks_url("https://idp.example/jwks".into())
            .cache()
            .expect("a valid configuration");
        assert_eq!(
            cache.freshness.interval,
            Duration::from_secs(300),
            "refresh interval"
        );
        assert_eq!(cache.freshness.min, MINUTE, "smallest max-age honoured");
        assert_eq!(cache.freshness.max, DAY, "largest max-age honoured");
        assert_eq!(cache.cooldown, Duration::from_secs(30), "unknown-kid cooldown");
        assert_eq!(cache.http.timeout, Duration::from_secs(10), "fetch timeout");
        assert_eq!(cache.http.max_body_size, 1024 * 1024, "largest document");

        let refresh_after = |max_age| cache.freshness.refresh_after(max_age);
        assert_eq!(refresh_after(None), Duration::from_secs(300));
        assert_eq!(refresh_after(Some(Duration::from_secs(1))), MINUTE);
        assert_eq!(
            refresh_after(Some(Duration::from_secs(3600))),
            Duration::from_secs(3600)
        );
        assert_eq!(refresh_after(Some(DAY * 7)), DAY);
    }

    #[tokio::test]
    async fn the_settings_reach_the_built_configuration() {
        let (cache, _dropped) = JwksSourceBuilder::issuer("https://idp.example".into())
            .refresh_interval(Duration::from_secs(42))
            .max_age_bounds(Duration::from_secs(5), Duration::from_secs(50))
            .cooldown(Duration::from_secs(7))
            .timeout(Duration::from_secs(3))
            .max_body_size(100)
            .cache()
            .expect("a valid configuration");
        assert_eq!(
            (cache.http.timeout, cache.http.max_body_size),
            (Duration::from_secs(3), 100)
        );
        assert_eq!(cache.freshness.interval, Duration::from_secs(42));
        assert_eq!(cache.freshness.min, Duration::from_secs(5));
        assert_eq!(cache.freshness.max, Duration::from_secs(50));
        assert_eq!(cache.cooldown, Duration::from_secs(7));
    }

    #[tokio::test]
    async fn http_settings_given_whole_replace_the_defaults() {
        let (cache, _dropped) = JwksSourceBuilder::jwks_url("https://idp.example/jwks".into())
            .http(HttpFetchSettings::for_introspection())
            .cache()
            .expect("a valid configuration");
        assert_eq!(
            (cache.http.timeout, cache.http.max_body_size),
            (Duration::from_secs(5), 64 * 1024)
        );
    }
}
