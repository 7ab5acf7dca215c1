//! The task that refreshes a remote key set before it goes stale, and keeps
//! retrying, with backoff, while fetches fail.
//!
//! It holds the cache weakly and ends as soon as the source is dropped.

use std::sync::{Arc, Weak};

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::key_cache::KeyCache;

/// Starts the background refresh of `cache` on its runtime.
pub(super) fn spawn(cache: &Arc<KeyCache>, dropped: oneshot::Receiver<()>) {
    cache.runtime.spawn(run(Arc::downgrade(cache), dropped));
}

async fn run(cache: Weak<KeyCache>, mut dropped: oneshot::Receiver<()>) {
    loop {
        let Some(strong) = cache.upgrade() else {
            return;
        };
        let due = strong.schedule.next_attempt();
        if due <= Instant::now() {
            strong.refresh_if_due().await;
            continue;
        }
        drop(strong);
        tokio::select! {
            () = tokio::time::sleep_until(due) => {}
            _ = &mut dropped => return,
        }
    }
}
