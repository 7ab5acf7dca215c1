//! The cache of exchanged tokens (SPEC §3.8).
//!
//! - The key is SHA-256 of the subject token, plus the audience, the
//!   resource, the sorted scopes asked for and the requested token type:
//!   never the user alone, so two callers, or one caller asking for other
//!   scopes, never share a token.
//! - A token is kept until min(its expiry, the subject token's `exp`) − 30
//!   s, so that a token handed out still has time to be used, and never
//!   outlives the token it was exchanged for.
//! - `invalid_grant` and `invalid_target` refusals are kept briefly (at
//!   most 10 s); no other failure is kept.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use quick_cache::sync::Cache;

use super::error::ExchangeErrorKind;
use super::exchanged_token::ExchangedToken;
use crate::validation::introspection::answer_cache::TokenHash;

/// How long before the earlier of the two expiries an exchanged token stops
/// being handed out.
pub(crate) const EXPIRY_MARGIN_SECS: u64 = 30;

/// The longest a refusal is remembered.
pub const MAX_REFUSAL_TTL: Duration = Duration::from_secs(10);

/// What one exchange asks for, and the identity of its answer.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    pub(crate) subject: TokenHash,
    pub(crate) audience: Option<Arc<str>>,
    pub(crate) resource: Option<Arc<str>>,
    /// The scopes asked for, sorted, space-delimited.
    pub(crate) scopes: Arc<str>,
    pub(crate) requested_token_type: Option<Arc<str>>,
}

impl fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CacheKey")
            .field("subject", &self.subject)
            .field("audience", &self.audience)
            .field("resource", &self.resource)
            .field("scopes", &self.scopes)
            .field("requested_token_type", &self.requested_token_type)
            .finish()
    }
}

#[derive(Clone)]
enum Entry {
    Issued {
        token: ExchangedToken,
        /// Unix seconds.
        until: u64,
    },
    Refused {
        error: String,
        until: Instant,
    },
}

/// The outcome of an exchange, as the cache and the single-flight hold it.
pub(crate) type Outcome = Result<ExchangedToken, ExchangeErrorKind>;

/// The bounded cache of exchanged tokens and of brief refusals.
pub(crate) struct ExchangeCache {
    entries: Cache<CacheKey, Entry>,
    refusal_ttl: Duration,
}

impl ExchangeCache {
    pub(crate) fn new(capacity: usize, refusal_ttl: Duration) -> Self {
        Self {
            entries: Cache::new(capacity),
            refusal_ttl: refusal_ttl.min(MAX_REFUSAL_TTL),
        }
    }

    /// What is remembered for `key` at `now` (Unix seconds), if it is
    /// still current.
    pub(crate) fn get(&self, key: &CacheKey, now: u64) -> Option<Outcome> {
        match self.entries.get(key)? {
            Entry::Issued { token, until } if now < until => Some(Ok(token)),
            Entry::Refused { error, until } if Instant::now() < until => {
                Some(Err(ExchangeErrorKind::Refused { error }))
            }
            _ => {
                self.entries.remove(key);
                None
            }
        }
    }

    /// Keeps `token` until [`kept_until`] says, when that is after `now`.
    pub(crate) fn accept(&self, key: CacheKey, token: &ExchangedToken, subject_exp: Option<u64>, now: u64) {
        if let Some(until) = kept_until(token.expires_at(), subject_exp).filter(|until| *until > now) {
            self.entries.insert(
                key,
                Entry::Issued {
                    token: token.clone(),
                    until,
                },
            );
        }
    }

    /// Remembers a refusal briefly, when it is one that lasts
    /// (`invalid_grant`, `invalid_target`); forgets any other.
    pub(crate) fn refuse(&self, key: CacheKey, error: &str) {
        if matches!(error, "invalid_grant" | "invalid_target") && !self.refusal_ttl.is_zero() {
            self.entries.insert(
                key,
                Entry::Refused {
                    error: error.to_owned(),
                    until: Instant::now() + self.refusal_ttl,
                },
            );
        }
    }
}

impl fmt::Debug for ExchangeCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExchangeCache")
            .field("len", &self.entries.len())
            .field("capacity", &self.entries.capacity())
            .field("refusal_ttl", &self.refusal_ttl)
            .finish()
    }
}

/// Until when (Unix seconds) an exchanged token expiring at `exchanged` may
/// be handed out, for a subject token expiring at `subject`:
/// min(exchanged, subject) − 30 s; `None` (not kept) when neither is known.
pub(crate) fn kept_until(exchanged: Option<u64>, subject: Option<u64>) -> Option<u64> {
    let earliest = match (exchanged, subject) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => return None,
    };
    Some(earliest.saturating_sub(EXPIRY_MARGIN_SECS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(subject: &str, scopes: &str) -> CacheKey {
        CacheKey {
            subject: TokenHash::of(subject),
            audience: Some("shipping".into()),
            resource: None,
            scopes: scopes.into(),
            requested_token_type: None,
        }
    }

    fn token(expires_at: Option<u64>) -> ExchangedToken {
        ExchangedToken::new("t".into(), "x".into(), "Bearer".into(), None, expires_at)
    }

    #[test]
    fn kept_until_the_earlier_expiry_less_thirty_seconds() {
        assert_eq!(kept_until(Some(1_000), Some(2_000)), Some(970));
        assert_eq!(kept_until(Some(2_000), Some(1_000)), Some(970));
        assert_eq!(kept_until(None, Some(1_000)), Some(970));
        assert_eq!(kept_until(Some(1_000), None), Some(970));
        assert_eq!(kept_until(None, None), None);
    }

    #[test]
    fn an_entry_is_served_until_its_deadline_and_not_after() {
        let cache = ExchangeCache::new(16, MAX_REFUSAL_TTL);
        cache.accept(key("a", "order:shipping"), &token(Some(1_000)), Some(2_000), 900);
        assert!(cache.get(&key("a", "order:shipping"), 969).is_some());
        assert!(cache.get(&key("a", "order:shipping"), 970).is_none());
    }

    #[test]
    fn a_token_close_to_expiry_is_not_kept() {
        let cache = ExchangeCache::new(16, MAX_REFUSAL_TTL);
        cache.accept(key("a", "s"), &token(Some(1_000)), Some(1_020), 1_000);
        assert!(cache.get(&key("a", "s"), 1_000).is_none());
    }

    #[test]
    fn keys_differ_by_subject_and_by_scopes() {
        let cache = ExchangeCache::new(16, MAX_REFUSAL_TTL);
        cache.accept(key("a", "order:shipping"), &token(Some(10_000)), None, 0);
        assert!(cache.get(&key("b", "order:shipping"), 1).is_none());
        assert!(cache.get(&key("a", "order"), 1).is_none());
        assert!(cache.get(&key("a", "order:shipping"), 1).is_some());
    }

    #[test]
    fn only_lasting_refusals_are_remembered() {
        let cache = ExchangeCache::new(16, Duration::from_secs(60));
        assert_eq!(cache.refusal_ttl, MAX_REFUSAL_TTL, "at most 10 s");
        cache.refuse(key("a", "s"), "invalid_grant");
        cache.refuse(key("b", "s"), "invalid_scope");
        assert!(matches!(
            cache.get(&key("a", "s"), 0),
            Some(Err(ExchangeErrorKind::Refused { .. }))
        ));
        assert!(cache.get(&key("b", "s"), 0).is_none());
    }
}
