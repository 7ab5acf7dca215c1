//! What the two conformance servers of SPEC §7 share: their configuration,
//! validators, scope policy, resource metadata, response bodies, logging
//! and start-up errors.
//!
//! The servers themselves, `conformance-axum` and `conformance-actix`, are
//! the binaries of this package; each builds the same API with its
//! framework's mechanisms.

pub mod bodies;
pub mod config;
pub mod downstream;
mod downstream_settings;
pub mod dpop_settings;
pub mod mtls_settings;
pub mod site;
pub mod validators;

use std::net::SocketAddr;
use std::process::ExitCode;

use scopeguard_core::downstream::TokenExchangerConfigError;
use scopeguard_core::error::challenge::ChallengeConfigError;
use scopeguard_core::inventory::metadata::MetadataError;
use scopeguard_core::scopes::policy::PolicyError;
use scopeguard_core::validation::introspection::IntrospectionConfigError;
use scopeguard_core::validation::jwt::JwtConfigError;
use scopeguard_core::validation::keys::JwksSourceError;

use self::config::ConfigError;

/// Why a conformance server cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartupError {
    /// The environment is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The scope policy does not build.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The key source does not build.
    #[error(transparent)]
    Keys(#[from] JwksSourceError),
    /// The JWT validator does not build.
    #[error(transparent)]
    Jwt(#[from] JwtConfigError),
    /// The introspection validator does not build.
    #[error(transparent)]
    Introspection(#[from] IntrospectionConfigError),
    /// The token exchanger of the downstream routes does not build.
    #[error(transparent)]
    Exchange(#[from] TokenExchangerConfigError),
    /// The downstream API's URL is not a URL.
    #[error("SCOPEGUARD_DOWNSTREAM_URL is not a URL: {0}")]
    DownstreamUrl(String),
    /// The metadata document does not build.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// The challenge settings do not build.
    #[error(transparent)]
    Challenge(#[from] ChallengeConfigError),
    /// The DPoP settings are invalid, or the Redis replay store unreachable.
    #[error("invalid DPoP settings: {0}")]
    Dpop(String),
    /// The mTLS settings are invalid.
    #[error("invalid mTLS settings: {0}")]
    Mtls(String),
    /// The TLS settings of a TLS-serving example are invalid.
    #[error("invalid TLS settings: {0}")]
    Tls(String),
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server stopped with an error.
    #[error("the server failed: {0}")]
    Serve(#[source] std::io::Error),
}

/// Binds the tokio listener of a server configured by `config`, and the
/// address it got (the port may have been chosen by the system).
pub async fn bind(
    config: &config::ConformanceConfig,
) -> Result<(tokio::net::TcpListener, SocketAddr), StartupError> {
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| StartupError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartupError::Serve)?;
    Ok((listener, addr))
}

/// Logs to stderr, at the level `RUST_LOG` says (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

/// Prints the ready line of SPEC §7, `listening on http://ADDR`, on stdout.
#[allow(clippy::print_stdout)] // the ready line is the servers' stdout contract
pub fn announce(addr: SocketAddr) {
    println!("listening on http://{addr}");
}

/// Says on stderr why `server` cannot run, and answers the exit code 2.
#[allow(clippy::print_stderr)] // the operator reads this before any logging
pub fn fail(server: &str, error: &StartupError) -> ExitCode {
    eprintln!("{server}: {error}");
    ExitCode::from(2)
}
