//! The verified-token cache (SPEC §3.4): a token reused across requests is
//! verified once.
//!
//! Entries are keyed by the whole token and compared in full, so a lookup can
//! only ever find the very token that was verified. An entry is served only
//! while both hold:
//!
//! - the current time is strictly before the token's `exp`. The clock
//!   leeway is not added: a fresh validation accepts a token up to `exp` plus
//!   the leeway, so a cached entry is never more lenient than a fresh
//!   validation, and never outlives `exp`. After `exp` the token is validated
//!   afresh (and accepted within the leeway, but not cached again);
//! - the key that verified it is still in its issuer's current key set
//!   (by identity: a key set refreshed with unchanged keys keeps them). An
//!   entry whose key has left the set is dropped.
//!
//! The cache is bounded by the bytes its entries hold; the least useful
//! entries are evicted first.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use quick_cache::sync::Cache;
use quick_cache::{Equivalent, Weighter};

use crate::Principal;
use crate::validation::keys::{KeySource, VerificationKey};

/// The default bound of the verified-token cache: 16 MiB.
pub const DEFAULT_TOKEN_CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// Bytes counted for an entry on top of its token and claims.
const ENTRY_OVERHEAD: u64 = 256;

/// Settings of the verified-token cache (SPEC §3.4).
///
/// ```
/// use scopeguard_core::TokenCacheConfig;
///
/// let config = TokenCacheConfig::default().max_bytes(64 * 1024 * 1024);
/// assert_eq!(config.bytes(), 64 * 1024 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct TokenCacheConfig {
    max_bytes: u64,
}

impl Default for TokenCacheConfig {
    /// A cache of [`DEFAULT_TOKEN_CACHE_BYTES`].
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_TOKEN_CACHE_BYTES,
        }
    }
}

impl TokenCacheConfig {
    /// Bounds the cache: the tokens and claims it holds, plus a small
    /// overhead per entry, stay under `max_bytes`.
    pub fn max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// The bound, in bytes.
    pub fn bytes(&self) -> u64 {
        self.max_bytes
    }
}

/// Hashes a token by its length and its last 16 bytes, read as two
/// words: the end of a JWT is its signature, which no one can choose
/// without the signing key, and only verified tokens are stored, so the
/// short hash spreads the entries as well as a hash of the whole token.
/// Lookups still compare the whole token.
fn hash_token<H: Hasher>(token: &[u8], state: &mut H) {
    let mut end = [0u8; 16];
    let suffix = &token[token.len().saturating_sub(end.len())..];
    end[..suffix.len()].copy_from_slice(suffix);
    let (high, low) = end.split_at(8);
    state.write_usize(token.len());
    state.write_u64(u64::from_le_bytes(high.try_into().unwrap_or_default()));
    state.write_u64(u64::from_le_bytes(low.try_into().unwrap_or_default()));
}

/// A stored token.
#[derive(PartialEq, Eq)]
struct TokenKey(Box<[u8]>);

impl Hash for TokenKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_token(&self.0, state);
    }
}

/// A token looked up: equal to a [`TokenKey`] of the same bytes.
struct TokenLookup<'a>(&'a [u8]);

impl Hash for TokenLookup<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_token(self.0, state);
    }
}

impl Equivalent<TokenKey> for TokenLookup<'_> {
    fn equivalent(&self, key: &TokenKey) -> bool {
        *self.0 == *key.0
    }
}

/// One verified token.
struct CachedToken {
    principal: Principal,
    /// The token's `exp`: the entry is served strictly before it. Kept as
    /// a `SystemTime`, so a lookup compares the clock without converting it.
    expires_at: SystemTime,
    /// The key that verified the token.
    key: Arc<VerificationKey>,
    /// Where the issuer's current keys come from.
    keys: Arc<dyn KeySource>,
}

#[derive(Clone)]
struct EntrySize;

impl Weighter<TokenKey, Arc<CachedToken>> for EntrySize {
    fn weight(&self, token: &TokenKey, entry: &Arc<CachedToken>) -> u64 {
        let bytes = token.0.len() + entry.principal.claims_json().len();
        u64::try_from(bytes)
            .unwrap_or(u64::MAX)
            .saturating_add(ENTRY_OVERHEAD)
    }
}

/// A bounded map from a verified token to its principal.
pub(crate) struct TokenCache {
    entries: Cache<TokenKey, Arc<CachedToken>, EntrySize>,
    config: TokenCacheConfig,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("max_bytes", &self.config.max_bytes)
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl TokenCache {
    pub(crate) fn new(config: TokenCacheConfig) -> Self {
        let estimated_items = usize::try_from(config.max_bytes / 2048)
            .unwrap_or(usize::MAX)
            .max(16);
        Self {
            entries: Cache::with_weighter(estimated_items, config.max_bytes, EntrySize),
            config,
        }
    }

    /// The principal of `token`, if it was verified, has not reached its
    /// `exp` at `now`, and its key is still current.
    pub(crate) fn get(&self, token: &[u8], now: SystemTime) -> Option<Principal> {
        let token = TokenLookup(token);
        let entry = self.entries.get(&token)?;
        let key_is_current = entry.keys.key_set().is_ok_and(|keys| keys.contains(&entry.key));
        if now < entry.expires_at && key_is_current {
            Some(entry.principal.clone())
        } else {
            self.entries
                .remove_if(&token, |current| Arc::ptr_eq(current, &entry));
            None
        }
    }

    /// Remembers a verified token until `expires_at` (its `exp`); a token
    /// already at or past it is not stored.
    pub(crate) fn insert(
        &self,
        token: &str,
        principal: Principal,
        expires_at: u64,
        key: Arc<VerificationKey>,
        keys: Arc<dyn KeySource>,
        now: u64,
    ) {
        if now >= expires_at {
            return;
        }
        let Some(expires_at) = UNIX_EPOCH.checked_add(Duration::from_secs(expires_at)) else {
            return;
        };
        let entry = CachedToken {
            principal,
            expires_at,
            key,
            keys,
        };
        self.entries
            .insert(TokenKey(token.as_bytes().into()), Arc::new(entry));
    }
}
