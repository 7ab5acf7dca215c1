//! `tracing` output captured into a buffer, for tests that assert what is
//! logged (SPEC §4: every deny is an event; tokens are never logged).
//!
//! One global subscriber (installed once per test binary, at `DEBUG`)
//! writes each event into the buffer of the thread that emitted it, if that
//! thread is capturing. A global subscriber never changes, so callsite
//! interest is never cached against a thread that had none: per-thread
//! `set_default` subscribers race with tests running on other threads.

#![allow(dead_code)]

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

thread_local! {
    static BUFFER: RefCell<Option<Arc<Mutex<Vec<u8>>>>> = const { RefCell::new(None) };
}

/// Writes into the current thread's capture buffer, or nowhere.
struct ThreadBuffer;

impl Write for ThreadBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        BUFFER.with_borrow(|buffer| {
            if let Some(buffer) = buffer {
                buffer.lock().expect("the log buffer").extend_from_slice(bytes);
            }
        });
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What this thread logged while the capture was alive.
pub(crate) struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Everything logged so far.
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.0.lock().expect("the log buffer").clone()).expect("UTF-8 logs")
    }
}

/// Stops this thread's capture when dropped.
pub(crate) struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        BUFFER.with_borrow_mut(|buffer| *buffer = None);
    }
}

/// Captures what is logged on this thread until the guard is dropped.
pub(crate) fn capture() -> (Captured, CaptureGuard) {
    static SUBSCRIBER: OnceLock<()> = OnceLock::new();
    SUBSCRIBER.get_or_init(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(|| ThreadBuffer)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
    });
    let buffer = Arc::new(Mutex::new(Vec::new()));
    BUFFER.with_borrow_mut(|slot| *slot = Some(Arc::clone(&buffer)));
    (Captured(buffer), CaptureGuard(()))
}
