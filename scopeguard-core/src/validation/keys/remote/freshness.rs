//! How long a fetched key set stays fresh: the answer's `Cache-Control`
//! `max-age` within bounds, or the configured interval (SPEC §3.3).

use std::time::Duration;

use reqwest::header::{CACHE_CONTROL, HeaderMap};

/// When to refresh a key set after fetching it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Freshness {
    /// Used when the answer has no `max-age`.
    pub(super) interval: Duration,
    /// The shortest `max-age` honoured.
    pub(super) min: Duration,
    /// The longest `max-age` honoured.
    pub(super) max: Duration,
}

impl Freshness {
    /// How long until the key set fetched with `max_age` is refreshed.
    pub(super) fn refresh_after(&self, max_age: Option<Duration>) -> Duration {
        max_age.map_or(self.interval, |max_age| max_age.clamp(self.min, self.max))
    }
}

/// The `max-age` directive of the `Cache-Control` headers, if one parses.
///
/// Directive names are case-insensitive; a value may be quoted; a value too
/// large to represent saturates.
pub(super) fn max_age(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get_all(CACHE_CONTROL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|directive| {
            let (name, value) = directive.split_once('=')?;
            if !name.trim().eq_ignore_ascii_case("max-age") {
                return None;
            }
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|value| value.strip_suffix('"'))
                .unwrap_or(value);
            if value.is_empty() || !value.bytes().all(|byte| byte.is_ascii_digit()) {
                return None;
            }
            Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(CACHE_CONTROL, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn max_age_is_read_among_other_directives() {
        assert_eq!(
            max_age(&headers(&["public, Max-Age=600, must-revalidate"])),
            Some(Duration::from_secs(600))
        );
        assert_eq!(
            max_age(&headers(&["no-cache", "max-age=\"90\""])),
            Some(Duration::from_secs(90))
        );
    }

    #[test]
    fn a_malformed_or_absent_max_age_is_ignored() {
        assert_eq!(max_age(&headers(&[])), None);
        assert_eq!(max_age(&headers(&["no-store"])), None);
        assert_eq!(max_age(&headers(&["max-age=-5"])), None);
        assert_eq!(max_age(&headers(&["max-age=1e3"])), None);
        assert_eq!(max_age(&headers(&["s-maxage=600"])), None);
    }

    #[test]
    fn max_age_is_clamped_and_its_absence_uses_the_interval() {
        let freshness = Freshness {
            interval: Duration::from_secs(300),
            min: Duration::from_secs(60),
            max: Duration::from_secs(86_400),
        };
        assert_eq!(freshness.refresh_after(None), Duration::from_secs(300));
        assert_eq!(
            freshness.refresh_after(Some(Duration::ZERO)),
            Duration::from_secs(60)
        );
        assert_eq!(
            freshness.refresh_after(Some(Duration::from_secs(900))),
            Duration::from_secs(900)
        );
        assert_eq!(
            freshness.refresh_after(max_age(&headers(&["max-age=99999999999999999999999"]))),
            Duration::from_secs(86_400)
        );
    }
}
