//! Logging: every decision is a `tracing` event on stderr.
//!
//! scopeguard logs each denial itself: `info` for a missing scope, a failed
//! step-up or a refused token (with the reason label and the status),
//! `warn` when the key server cannot be reached, `error` for a
//! misconfiguration, and `debug` for why a JWT was rejected. The demo's
//! handlers log each request they allow.

use tracing_subscriber::EnvFilter;

/// The filter unless `RUST_LOG` says otherwise: `info`, and `debug` for
/// scopeguard, so that every denial and its cause show.
pub const DEFAULT_FILTER: &str = "info,scopeguard_core=debug,scopeguard_axum=debug,scopeguard_actix=debug";

/// Logs to stderr with the filter of `RUST_LOG`, default [`DEFAULT_FILTER`].
pub fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

/// Logs that `route` was allowed for the caller `sub`.
pub fn allowed(route: &'static str, sub: Option<&str>) {
    tracing::info!(route, sub = sub.unwrap_or("-"), "request allowed");
}
