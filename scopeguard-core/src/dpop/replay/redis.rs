//! The Redis replay store: one record of used proofs for every replica.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{Recorded, ReplayFuture, ReplayStore, ReplayStoreError};
use crate::validation::principal::unix_now;

/// Remembers used proofs in Redis, so that replicas sharing the server
/// refuse a proof any of them accepted.
///
/// Each proof is one `SET key 1 NX PX ttl`: atomic, and expired by Redis.
/// A Redis error or timeout answers [`ReplayStoreError::Unreachable`]
/// (the request is a 503 with `Retry-After`), never an accepted proof; the
/// connection is re-established in the background.
#[derive(Clone)]
pub struct RedisReplayStore {
    connection: ConnectionManager,
    prefix: Box<str>,
    timeout: Duration,
}

impl RedisReplayStore {
    /// The default time an operation may take: 1 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

    /// Connects to the Redis server at `url` (`redis://host:port/db`).
    /// Keys start with `scopeguard:`.
    pub async fn connect(url: &str) -> Result<Self, ReplayStoreError> {
        let unreachable = |error: redis::RedisError| ReplayStoreError::Unreachable {
            detail: error.to_string(),
        };
        let client = redis::Client::open(url).map_err(unreachable)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Self::DEFAULT_TIMEOUT)
            .set_response_timeout(Self::DEFAULT_TIMEOUT)
            .set_number_of_retries(1)
            .set_max_delay(1000);
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(unreachable)?;
        Ok(Self {
            connection,
            prefix: "scopeguard:".into(),
            timeout: Self::DEFAULT_TIMEOUT,
        })
    }

    /// Sets the prefix of every key (default `scopeguard:`).
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into().into_boxed_str();
        self
    }

    async fn insert(&self, key: &str, expires_at: u64) -> Result<Recorded, ReplayStoreError> {
        let ttl_ms = expires_at.saturating_sub(unix_now()).max(1).saturating_mul(1000);
        let mut connection = self.connection.clone();
        let command = redis::cmd("SET")
            .arg(format!("{}{key}", self.prefix))
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(ttl_ms)
            .to_owned();
        let answer = tokio::time::timeout(
            self.timeout,
            command.query_async::<Option<String>>(&mut connection),
        )
        .await;
        match answer {
            Ok(Ok(Some(_))) => Ok(Recorded::New),
            Ok(Ok(None)) => Ok(Recorded::Seen),
            Ok(Err(error)) => Err(ReplayStoreError::Unreachable {
                detail: error.to_string(),
            }),
            Err(_) => Err(ReplayStoreError::Unreachable {
                detail: "timed out".to_owned(),
            }),
        }
    }
}

impl ReplayStore for RedisReplayStore {
    fn insert_if_absent<'a>(&'a self, key: &'a str, expires_at: u64) -> ReplayFuture<'a> {
        Box::pin(self.insert(key, expires_at))
    }
}

impl fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisReplayStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
