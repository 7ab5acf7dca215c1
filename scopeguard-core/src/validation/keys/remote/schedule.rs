//! When the next fetch is due, and how long a client should wait for it.
//!
//! Read without locks: a client told 503 learns its `Retry-After` from here.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// Delays are capped so that instants never overflow.
const LONGEST_DELAY: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// The delays between failed fetches: doubling from `initial` up to `max`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Backoff {
    pub(super) initial: Duration,
    pub(super) max: Duration,
}

impl Backoff {
    /// The delay after the `failures`-th failure in a row (from 1).
    fn delay(self, failures: u32) -> Duration {
        let factor = 1_u32 << failures.saturating_sub(1).min(20);
        self.initial.checked_mul(factor).unwrap_or(self.max).min(self.max)
    }
}

/// The time of the next fetch.
#[derive(Debug)]
pub(super) struct Schedule {
    origin: Instant,
    /// Milliseconds from `origin` to the next fetch.
    next_attempt: AtomicU64,
    /// Failed fetches in a row.
    failures: AtomicU32,
    backoff: Backoff,
}

impl Schedule {
    /// A schedule whose first fetch is due now.
    pub(super) fn new(backoff: Backoff) -> Self {
        Self {
            origin: Instant::now(),
            next_attempt: AtomicU64::new(0),
            failures: AtomicU32::new(0),
            backoff,
        }
    }

    /// When the next fetch is due.
    pub(super) fn next_attempt(&self) -> Instant {
        self.origin + Duration::from_millis(self.next_attempt.load(Ordering::Acquire))
    }

    /// Records a successful fetch: the next one is due in `fresh_for`.
    pub(super) fn succeeded(&self, fresh_for: Duration) {
        self.failures.store(0, Ordering::Release);
        self.set_next_attempt(fresh_for);
    }

    /// Records a failed fetch and returns the delay before the next one.
    pub(super) fn failed(&self) -> Duration {
        let failures = self.failures.fetch_add(1, Ordering::AcqRel).saturating_add(1);
        let delay = self.backoff.delay(failures);
        self.set_next_attempt(delay);
        delay
    }

    /// How long a client should wait before trying again: until the next
    /// fetch, in whole seconds, at least one.
    pub(super) fn retry_after(&self) -> Duration {
        let wait = self.next_attempt().saturating_duration_since(Instant::now());
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Duration::from_secs(seconds.max(1))
    }

    fn set_next_attempt(&self, delay: Duration) {
        let due = self.origin.elapsed() + delay.min(LONGEST_DELAY);
        let millis = u64::try_from(due.as_millis()).unwrap_or(u64::MAX);
        self.next_attempt.store(millis, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKOFF: Backoff = Backoff {
        initial: Duration::from_secs(1),
        max: Duration::from_secs(30),
    };

    #[test]
    fn failures_back_off_exponentially_up_to_the_maximum() {
        let delays: Vec<u64> = (1..=7).map(|n| BACKOFF.delay(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(BACKOFF.delay(u32::MAX), Duration::from_secs(30));
    }

    #[test]
    fn retry_after_is_the_time_to_the_next_fetch_and_at_least_one_second() {
        let schedule = Schedule::new(BACKOFF);
        assert_eq!(schedule.retry_after(), Duration::from_secs(1));
        schedule.failed();
        schedule.failed();
        schedule.failed();
        assert_eq!(schedule.retry_after(), Duration::from_secs(4));
        schedule.succeeded(Duration::from_millis(2500));
        assert_eq!(schedule.retry_after(), Duration::from_secs(3));
        schedule.failed();
        assert_eq!(schedule.retry_after(), Duration::from_secs(1));
    }
}
