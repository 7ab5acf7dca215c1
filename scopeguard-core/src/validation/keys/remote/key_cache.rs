//! The cached key set of a remote source and the single-flight fetch that
//! replaces it (SPEC §3.3).
//!
//! Reads load an `Arc` from an [`ArcSwapOption`]: no lock, no waiting on the
//! network. Fetches are serialised by one async mutex; a caller that finds a
//! fetch completed since it asked takes that fetch's result instead of
//! starting another, so any number of concurrent refreshes cause one fetch.
//!
//! The cooldown rate-limits only the fetches asked for by tokens with an
//! unknown `kid` ([`KeyCache::refresh`]): the first fetch and the scheduled
//! background refreshes neither start it nor wait for it, so a key rotated
//! in just after one of them is fetched on its first request.
//!
//! Times are read from tokio's clock, like the timers of the background
//! task, so that a paused clock moves the schedule and the cooldown together.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use reqwest::Url;
use tokio::runtime::Handle;
use tokio::sync::{Mutex, oneshot};
use tokio::time::Instant;

use super::fetch::{Causes, Http};
use super::freshness::Freshness;
use super::location::Location;
use super::schedule::Schedule;
use crate::error::Unavailable;
use crate::validation::keys::KeySet;

/// Everything a remote key source shares with its background task.
#[derive(Debug)]
pub(super) struct KeyCache {
    pub(super) location: Location,
    pub(super) http: Http,
    pub(super) freshness: Freshness,
    /// The shortest time between two fetches asked for by
    /// [`refresh`](Self::refresh); other fetches do not count.
    pub(super) cooldown: Duration,
    pub(super) schedule: Schedule,
    /// The runtime fetches run on.
    pub(super) runtime: Handle,
    keys: ArcSwapOption<KeySet>,
    /// Completed fetches, successful or not.
    fetches: AtomicU64,
    flight: Arc<Mutex<Flight>>,
    /// Dropped with the cache, which tells the background task to end.
    _alive: oneshot::Sender<()>,
}

/// The state only the fetch in flight touches.
#[derive(Debug, Default)]
struct Flight {
    /// When the last fetch asked for by [`KeyCache::refresh`] started: the
    /// start of the cooldown. Scheduled fetches leave it alone.
    last_on_demand: Option<Instant>,
    /// The `jwks_uri` last discovered.
    jwks_uri: Option<Url>,
}

/// The parts of a [`KeyCache`] fixed by configuration.
#[derive(Debug)]
pub(super) struct CacheSettings {
    pub(super) location: Location,
    pub(super) http: Http,
    pub(super) freshness: Freshness,
    pub(super) cooldown: Duration,
    pub(super) schedule: Schedule,
    pub(super) runtime: Handle,
}

impl KeyCache {
    /// An empty cache whose first fetch is due now, and the receiver that
    /// completes when the cache is dropped.
    pub(super) fn new(settings: CacheSettings) -> (Self, oneshot::Receiver<()>) {
        let (alive, dropped) = oneshot::channel();
        let cache = Self {
            location: settings.location,
            http: settings.http,
            freshness: settings.freshness,
            cooldown: settings.cooldown,
            schedule: settings.schedule,
            runtime: settings.runtime,
            keys: ArcSwapOption::empty(),
            fetches: AtomicU64::new(0),
            flight: Arc::new(Mutex::new(Flight::default())),
            _alive: alive,
        };
        (cache, dropped)
    }

    /// The current key set, or 503 while none was ever obtained.
    pub(super) fn current(&self) -> Result<Arc<KeySet>, Unavailable> {
        self.keys.load_full().ok_or_else(|| Unavailable::KeySet {
            retry_after: self.schedule.retry_after(),
        })
    }

    /// Whether a key set was ever obtained, and how many usable keys it has.
    pub(super) fn key_count(&self) -> Option<usize> {
        self.keys.load().as_deref().map(KeySet::len)
    }

    /// The number of completed fetches: a ticket for [`refresh`](Self::refresh).
    pub(super) fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Acquire)
    }

    /// Fetches unless a fetch completed since `seen` was read or the
    /// cooldown is running, and answers with the key set to use afterwards.
    /// A fetch made here starts the cooldown.
    ///
    /// The fetch runs on its own task, so it completes, and keeps the other
    /// callers waiting for it, even when this caller goes away.
    pub(super) async fn refresh(self: Arc<Self>, seen: u64) -> Result<Arc<KeySet>, Unavailable> {
        let mut flight = Arc::clone(&self.flight).lock_owned().await;
        let cooling = flight
            .last_on_demand
            .is_some_and(|last| last.elapsed() < self.cooldown);
        if self.fetches() != seen || cooling {
            return self.current();
        }
        flight.last_on_demand = Some(Instant::now());
        let cache = Arc::clone(&self);
        let fetch = self.runtime.spawn(async move { cache.fetch(&mut flight).await });
        // An error means the runtime is shutting down: answer with what is cached.
        let _ = fetch.await;
        self.current()
    }

    /// Fetches if the schedule says a fetch is due: the first fetch and the
    /// background refreshes. Neither starts nor waits for the cooldown.
    pub(super) async fn refresh_if_due(&self) {
        let mut flight = self.flight.lock().await;
        if self.schedule.next_attempt() <= Instant::now() {
            self.fetch(&mut flight).await;
        }
    }

    async fn fetch(&self, flight: &mut Flight) {
        let previous = self.keys.load_full();
        match self
            .location
            .fetch(&self.http, &mut flight.jwks_uri, previous.as_deref())
            .await
        {
            Ok(fetched) => {
                let refresh_in = self.freshness.refresh_after(fetched.max_age);
                if fetched.keys.is_empty() && !fetched.keys.skipped().is_empty() {
                    tracing::warn!(
                        source = %self.location,
                        skipped = fetched.keys.skipped().len(),
                        reasons = ?fetched.keys.skipped(),
                        "fetched a key set none of whose keys can verify signatures: every token will be rejected"
                    );
                }
                tracing::debug!(
                    source = %self.location,
                    keys = fetched.keys.len(),
                    skipped = fetched.keys.skipped().len(),
                    ?refresh_in,
                    "fetched the key set"
                );
                self.keys.store(Some(Arc::new(fetched.keys)));
                self.schedule.succeeded(refresh_in);
            }
            Err(error) => {
                let retry_in = self.schedule.failed();
                let serving = if previous.is_some() {
                    "the last good key set"
                } else {
                    "no key set: tokens cannot be checked"
                };
                tracing::warn!(
                    source = %self.location,
                    error = %Causes(&error),
                    ?retry_in,
                    serving,
                    "fetching the key set failed"
                );
            }
        }
        self.fetches.fetch_add(1, Ordering::AcqRel);
    }
}
