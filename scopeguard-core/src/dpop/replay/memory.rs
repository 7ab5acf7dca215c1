//! The in-memory replay store: one process, bounded.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use super::{Recorded, ReplayFuture, ReplayStore, ReplayStoreError};
use crate::validation::principal::unix_now;

/// Remembers used proofs in this process, up to a number of entries.
///
/// When it is full of entries that have not expired it refuses to record
/// (the request is a 503 with `Retry-After`, logged at `error!`) rather
/// than forget one: forgetting would let a proof be replayed.
///
/// ```
/// use scopeguard_core::dpop::{MemoryReplayStore, Recorded, ReplayStore};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryReplayStore::new(2);
/// let later = u64::MAX;
/// assert_eq!(store.insert_if_absent("a", later).await, Ok(Recorded::New));
/// assert_eq!(store.insert_if_absent("a", later).await, Ok(Recorded::Seen));
/// assert_eq!(store.insert_if_absent("b", later).await, Ok(Recorded::New));
/// assert!(store.insert_if_absent("c", later).await.is_err());
/// # });
/// ```
#[derive(Debug)]
pub struct MemoryReplayStore {
    capacity: usize,
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    /// Key → expiry, in seconds since the epoch.
    expiries: HashMap<Box<str>, u64>,
    /// The earliest expiry among the entries: nothing to purge before it.
    earliest: u64,
}

impl MemoryReplayStore {
    /// The default number of entries: 100 000.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store of at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: Mutex::new(Entries::default()),
        }
    }

    fn insert(&self, key: &str, expires_at: u64, now: u64) -> Result<Recorded, ReplayStoreError> {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(expiry) = entries.expiries.get(key)
            && *expiry > now
        {
            return Ok(Recorded::Seen);
        }
        if entries.expiries.len() >= self.capacity && !entries.expiries.contains_key(key) {
            if entries.earliest <= now {
                entries.expiries.retain(|_, expiry| *expiry > now);
                entries.earliest = entries.expiries.values().copied().min().unwrap_or(u64::MAX);
            }
            if entries.expiries.len() >= self.capacity {
                let retry_after = Duration::from_secs(entries.earliest.saturating_sub(now).max(1));
                return Err(ReplayStoreError::Full { retry_after });
            }
        }
        entries.earliest = entries.earliest.min(expires_at);
        if entries.expiries.is_empty() {
            entries.earliest = expires_at;
        }
        entries.expiries.insert(key.into(), expires_at);
        Ok(Recorded::New)
    }
}

impl Default for MemoryReplayStore {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

impl ReplayStore for MemoryReplayStore {
    fn insert_if_absent<'a>(&'a self, key: &'a str, expires_at: u64) -> ReplayFuture<'a> {
        let result = self.insert(key, expires_at, unix_now());
        Box::pin(std::future::ready(result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_entries_make_room_and_may_be_recorded_again() {
        let store = MemoryReplayStore::new(1);
        assert_eq!(store.insert("a", 100, 50), Ok(Recorded::New));
        assert_eq!(store.insert("a", 100, 99), Ok(Recorded::Seen));
        assert_eq!(
            store.insert("b", 200, 90),
            Err(ReplayStoreError::Full {
                retry_after: Duration::from_secs(10)
            })
        );
        assert_eq!(store.insert("b", 200, 100), Ok(Recorded::New));
        assert_eq!(
            store.insert("a", 300, 150),
            Err(ReplayStoreError::Full {
                retry_after: Duration::from_secs(50)
            })
        );
    }
}
