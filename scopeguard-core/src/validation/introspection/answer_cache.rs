//! The answer cache (SPEC §3.5): what the endpoint said about a token,
//! remembered under a SHA-256 hash of the token, never the token itself.
//! The hash comes from the crypto backend scopeguard is built with
//! (aws-lc-rs, or the RustCrypto `sha2` crate with `rust-crypto` alone).
//!
//! - An accepted token is served strictly before both its `exp` (when the
//!   answer has one; the leeway is not added) and the end of the positive
//!   TTL, so a cached answer is never more lenient than a fresh one.
//! - A rejected token (inactive, or an active answer failing a check that
//!   time cannot change) is remembered for the negative TTL.
//! - An endpoint failure is never remembered.
//!
//! The cache is bounded by the bytes its entries hold.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use quick_cache::Weighter;
use quick_cache::sync::Cache;
use tokio::time::Instant;

use crate::error::InvalidToken;
use crate::{AuthError, Principal};

/// The SHA-256 hash of a token: the cache's key.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TokenHash([u8; 32]);

impl TokenHash {
    pub(crate) fn of(token: &str) -> Self {
        Self(sha256(token.as_bytes()))
    }
}

#[cfg(feature = "aws-lc-rs")]
fn sha256(bytes: &[u8]) -> [u8; 32] {
    use aws_lc_rs::digest::{SHA256, digest};

    let mut hash = [0; 32];
    // A SHA-256 digest is 32 bytes.
    hash.copy_from_slice(digest(&SHA256, bytes).as_ref());
    hash
}

#[cfg(not(feature = "aws-lc-rs"))]
fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;

    sha2::Sha256::digest(bytes).into()
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(<redacted>)")
    }
}

/// How long answers are remembered, and the memory they may take.
#[derive(Debug, Clone, Copy)]
pub(super) struct CacheSettings {
    pub(super) ttl: Duration,
    pub(super) negative_ttl: Duration,
    pub(super) max_bytes: u64,
}

/// What was remembered about one token.
enum Verdict {
    Accepted {
        principal: Principal,
        /// The answer's `exp`: served strictly before it.
        exp: Option<u64>,
    },
    Rejected(InvalidToken),
}

struct Entry {
    verdict: Verdict,
    /// The end of the TTL; `None` when it lies beyond what `Instant` holds.
    stale_at: Option<Instant>,
}

/// Bytes counted for an entry on top of its claims.
const ENTRY_OVERHEAD: u64 = 256;

#[derive(Clone)]
struct EntrySize;

impl Weighter<TokenHash, Arc<Entry>> for EntrySize {
    fn weight(&self, _: &TokenHash, entry: &Arc<Entry>) -> u64 {
        let claims = match &entry.verdict {
            Verdict::Accepted { principal, .. } => principal.claims_json().len(),
            Verdict::Rejected(_) => 0,
        };
        u64::try_from(claims)
            .unwrap_or(u64::MAX)
            .saturating_add(ENTRY_OVERHEAD)
    }
}

/// A bounded map from a token's hash to what the endpoint said about it.
pub(super) struct AnswerCache {
    entries: Cache<TokenHash, Arc<Entry>, EntrySize>,
    settings: CacheSettings,
}

impl fmt::Debug for AnswerCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnswerCache")
            .field("ttl", &self.settings.ttl)
            .field("negative_ttl", &self.settings.negative_ttl)
            .field("max_bytes", &self.settings.max_bytes)
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl AnswerCache {
    pub(super) fn new(settings: CacheSettings) -> Self {
        let estimated_items = usize::try_from(settings.max_bytes / 1024)
            .unwrap_or(usize::MAX)
            .max(16);
        Self {
            entries: Cache::with_weighter(estimated_items, settings.max_bytes, EntrySize),
            settings,
        }
    }

    /// The remembered outcome for `token`, if it is still fresh at `now`
    /// (seconds since the epoch).
    pub(super) fn get(&self, token: &TokenHash, now: u64) -> Option<Result<Principal, AuthError>> {
        let entry = self.entries.get(token)?;
        let fresh = entry.stale_at.is_none_or(|stale_at| Instant::now() < stale_at)
            && match &entry.verdict {
                Verdict::Accepted { exp, .. } => exp.is_none_or(|exp| now < exp),
                Verdict::Rejected(_) => true,
            };
        if !fresh {
            self.entries
                .remove_if(token, |current| Arc::ptr_eq(current, &entry));
            return None;
        }
        Some(match &entry.verdict {
            Verdict::Accepted { principal, .. } => Ok(principal.clone()),
            Verdict::Rejected(reason) => Err(AuthError::InvalidToken(*reason)),
        })
    }

    /// Remembers an accepted token until its `exp` or the end of the TTL,
    /// whichever comes first; a token at or past its `exp` is not stored.
    pub(super) fn accept(&self, token: TokenHash, principal: Principal, exp: Option<u64>, now: u64) {
        if exp.is_some_and(|exp| now >= exp) {
            return;
        }
        self.remember(token, Verdict::Accepted { principal, exp }, self.settings.ttl);
    }

    /// Remembers a rejected token for the negative TTL (not at all when it
    /// is zero).
    pub(super) fn reject(&self, token: TokenHash, reason: InvalidToken) {
        if !self.settings.negative_ttl.is_zero() {
            self.remember(token, Verdict::Rejected(reason), self.settings.negative_ttl);
        }
    }

    fn remember(&self, token: TokenHash, verdict: Verdict, ttl: Duration) {
        let entry = Entry {
            verdict,
            stale_at: Instant::now().checked_add(ttl),
        };
        self.entries.insert(token, Arc::new(entry));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(ttl: Duration) -> AnswerCache {
        AnswerCache::new(CacheSettings {
            ttl,
            negative_ttl: ttl,
            max_bytes: 1024 * 1024,
        })
    }

    #[test]
    fn the_key_is_the_sha256_of_the_token() {
        let hash = TokenHash::of("abc");
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            hash.0,
            [
                0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22,
                0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00,
                0x15, 0xad,
            ]
        );
        assert_ne!(TokenHash::of("abd"), hash);
        assert!(!format!("{hash:?}").contains("ba"));
    }

    #[test]
    fn an_accepted_token_is_served_strictly_before_its_exp() {
        let cache = cache(Duration::from_secs(3600));
        let token = TokenHash::of("t");
        cache.accept(token, Principal::builder().build(), Some(1_000), 900);
        assert!(matches!(cache.get(&token, 999), Some(Ok(_))));
        assert!(cache.get(&token, 1_000).is_none());
        assert!(cache.get(&token, 999).is_none(), "a stale entry is dropped");
        cache.accept(token, Principal::builder().build(), Some(1_000), 1_000);
        assert!(cache.get(&token, 0).is_none(), "a token at its exp is not stored");
    }

    #[test]
    fn entries_go_stale_at_the_end_of_the_ttl() {
        let cache = cache(Duration::ZERO);
        let token = TokenHash::of("t");
        cache.accept(token, Principal::builder().build(), None, 0);
        assert!(cache.get(&token, 0).is_none());
        let cache = self::cache(Duration::from_secs(3600));
        cache.reject(token, InvalidToken::Inactive);
        assert_eq!(
            cache.get(&token, 0).map(Result::unwrap_err),
            Some(AuthError::InvalidToken(InvalidToken::Inactive))
        );
    }

    #[test]
    fn a_huge_ttl_does_not_overflow() {
        let cache = cache(Duration::MAX);
        let token = TokenHash::of("t");
        cache.accept(token, Principal::builder().build(), None, 0);
        assert!(matches!(cache.get(&token, u64::MAX), Some(Ok(_))));
    }
}
