//! Where used proofs are remembered (SPEC §3.6, RFC 9449 §11.1).
//!
//! A proof's `jti` is recorded only after every other check passed, with an
//! atomic insert-if-absent, and kept until the proof's `iat` plus the
//! window plus the leeway: after that, `iat` alone refuses the proof. A
//! second use of the same `jti` with the same key is refused.
//!
//! [`MemoryReplayStore`] (the default) serves one process; the Redis store
//! (feature `redis`) is shared by every replica given the same server. A
//! store that cannot record (full of unexpired entries, unreachable) makes
//! the request a 503 with `Retry-After`, never an accepted proof.

mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use memory::MemoryReplayStore;
#[cfg(feature = "redis")]
pub use redis::RedisReplayStore;

/// A future of [`ReplayStore::insert_if_absent`].
pub type ReplayFuture<'a> = Pin<Box<dyn Future<Output = Result<Recorded, ReplayStoreError>> + Send + 'a>>;

/// What recording a proof's key came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The key was new: the proof is used for the first time.
    New,
    /// The key was there already: a replay.
    Seen,
}

/// Remembers used proofs.
pub trait ReplayStore: fmt::Debug + Send + Sync + 'static {
    /// Records `key` until `expires_at` (seconds since the Unix epoch) if it
    /// is absent, atomically: of two concurrent calls with one key, exactly
    /// one answers [`Recorded::New`].
    fn insert_if_absent<'a>(&'a self, key: &'a str, expires_at: u64) -> ReplayFuture<'a>;
}

/// Why a replay store cannot record a proof now: the request is answered
/// 503 with `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayStoreError {
    /// The store is full of entries that have not expired.
    #[error("the replay store is full of unexpired entries")]
    Full {
        /// When an entry expires.
        retry_after: Duration,
    },
    /// The store cannot be reached or answered an error.
    #[error("the replay store is unreachable: {detail}")]
    Unreachable {
        /// What failed, for the log.
        detail: String,
    },
}

impl ReplayStoreError {
    /// A stable label.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::Full { .. } => "replay_store_full",
            Self::Unreachable { .. } => "replay_store_unreachable",
        }
    }

    /// When the client should try again.
    pub fn retry_after(&self) -> Duration {
        match self {
            Self::Full { retry_after } => *retry_after,
            Self::Unreachable { .. } => Duration::from_secs(5),
        }
    }
}
