//! Waiting in tests without betting on the scheduler: [`eventually`], a
//! real-time wait for a condition with a generous bound, and
//! [`ManualClock`], tokio's clock moved only by the test.
//!
//! Included with `#[path]` by the tests that need it.

use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long [`eventually`] waits: far more than the loopback requests and
/// sub-second timers it waits for need, even on a busy machine.
pub(crate) const PATIENCE: Duration = Duration::from_secs(10);

/// Waits until `condition` holds, checking every few milliseconds of real
/// time, for at most [`PATIENCE`]. The naps are taken on a blocking thread,
/// not with tokio's timer, so that this also works under a
/// [`ManualClock`].
pub(crate) async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !condition() {
        assert!(
            Instant::now() < deadline,
            "still waiting after {PATIENCE:?} until {what}"
        );
        tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(5)))
            .await
            .expect("a nap");
    }
}

/// Tokio's clock moved only by the test (`tokio::time::advance`), even
/// while the test waits for real requests on loopback. For a test with
/// `#[tokio::test(start_paused = true)]`, from its first line.
///
/// A paused clock otherwise jumps to the next timer whenever the runtime
/// has nothing to run, such as while a request is on its way, which can
/// fire the HTTP client's timeouts or a refresh early. A blocking task in
/// progress stops those jumps (see `tokio::time::pause`, "Preventing
/// auto-advance"): one is kept waiting for as long as the guard lives.
pub(crate) struct ManualClock {
    _release: mpsc::Sender<()>,
}

impl ManualClock {
    /// Holds the paused clock until the guard is dropped.
    pub(crate) fn hold() -> Self {
        let (release, released) = mpsc::channel::<()>();
        // Ends when the sender is dropped.
        drop(tokio::task::spawn_blocking(move || released.recv().is_ok()));
        Self { _release: release }
    }
}
