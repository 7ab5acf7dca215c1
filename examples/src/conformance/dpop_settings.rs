//! The conformance servers' DPoP settings (SPEC §3.6, §7), read from the
//! environment: mode, nonces, `iat` window, public origin, trusted proxies
//! and the Redis replay store.

use std::net::SocketAddr;
use std::time::Duration;

use scopeguard_core::dpop::{DpopConfig, DpopMode, DpopNonces, RedisReplayStore};

use super::StartupError;

/// `SCOPEGUARD_DPOP`: `off` (default), `allowed` or `required`.
pub const DPOP: &str = "SCOPEGUARD_DPOP";
/// `SCOPEGUARD_DPOP_NONCE_SECRET`: when set, server nonces are on.
pub const DPOP_NONCE_SECRET: &str = "SCOPEGUARD_DPOP_NONCE_SECRET";
/// `SCOPEGUARD_DPOP_NONCE_SECS`: a nonce's lifetime (default 300).
pub const DPOP_NONCE_SECS: &str = "SCOPEGUARD_DPOP_NONCE_SECS";
/// `SCOPEGUARD_DPOP_IAT_WINDOW_SECS`: the proof `iat` window.
pub const DPOP_IAT_WINDOW_SECS: &str = "SCOPEGUARD_DPOP_IAT_WINDOW_SECS";
/// `SCOPEGUARD_PUBLIC_ORIGIN`: the origin `htu` starts with (default `http://ADDR`).
pub const PUBLIC_ORIGIN: &str = "SCOPEGUARD_PUBLIC_ORIGIN";
/// `SCOPEGUARD_TRUSTED_PROXIES`: comma-separated IP addresses, shared with mTLS.
pub use super::mtls_settings::TRUSTED_PROXIES;
/// `SCOPEGUARD_REDIS_URL`: the Redis replay store, shared by instances.
pub const REDIS_URL: &str = "SCOPEGUARD_REDIS_URL";

/// The DPoP settings of a server bound to `addr`, from the environment.
/// Every problem is reported at once.
pub async fn dpop_config(addr: SocketAddr) -> Result<DpopConfig, StartupError> {
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let mut problems = Vec::new();
    let mode = match var(DPOP).map(|mode| mode.parse::<DpopMode>()) {
        None => DpopMode::Off,
        Some(Ok(mode)) => mode,
        Some(Err(error)) => {
            problems.push(format!("{DPOP}: {error}"));
            DpopMode::Off
        }
    };
    let secs = |name: &str, default: u64, problems: &mut Vec<String>| match var(name)
        .map(|value| value.parse::<u64>())
    {
        None => default,
        Some(Ok(secs)) => secs,
        Some(Err(_)) => {
            problems.push(format!("{name} must be a whole number of seconds"));
            default
        }
    };
    let nonce_secs = secs(DPOP_NONCE_SECS, 300, &mut problems);
    let iat_window = secs(
        DPOP_IAT_WINDOW_SECS,
        DpopConfig::DEFAULT_IAT_WINDOW.as_secs(),
        &mut problems,
    );
    let proxies = super::mtls_settings::trusted_proxies(&mut problems);
    let mut builder = DpopConfig::builder()
        .mode(mode)
        .public_origin(var(PUBLIC_ORIGIN).unwrap_or_else(|| format!("http://{addr}")))
        .iat_window(Duration::from_secs(iat_window))
        .trusted_proxies(proxies);
    if let Some(secret) = var(DPOP_NONCE_SECRET) {
        match DpopNonces::new(secret.as_bytes(), Duration::from_secs(nonce_secs)) {
            Ok(nonces) => builder = builder.nonces(nonces),
            Err(error) => problems.push(format!("{DPOP_NONCE_SECRET}: {error}")),
        }
    }
    if let Some(url) = var(REDIS_URL) {
        match RedisReplayStore::connect(&url).await {
            Ok(store) => builder = builder.replay_store(store),
            Err(error) => problems.push(format!("{REDIS_URL}: {error}")),
        }
    }
    let config = builder.build();
    if let Err(error) = &config {
        problems.push(error.to_string());
    }
    match config {
        Ok(config) if problems.is_empty() => Ok(config),
        _ => Err(StartupError::Dpop(problems.join("; "))),
    }
}
