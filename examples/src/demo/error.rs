//! Why a demo cannot start.

use std::net::SocketAddr;
use std::process::ExitCode;

use scopeguard_core::downstream::TokenExchangerConfigError;
use scopeguard_core::test_util::TestIssuerError;
use scopeguard_core::validation::jwt::JwtConfigError;
use scopeguard_core::validation::keys::JwksSourceError;

use super::config::ConfigError;

/// Why a demo cannot start, or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// The environment is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The embedded development issuer cannot be created.
    #[error("the development issuer cannot be created: {0}")]
    Issuer(#[from] TestIssuerError),
    /// The embedded development issuer cannot serve its documents.
    #[error("the development issuer cannot listen on loopback: {0}")]
    IssuerServer(#[source] std::io::Error),
    /// The shipping API cannot listen on loopback.
    #[error("the shipping API cannot listen on loopback: {0}")]
    ShippingServer(#[source] std::io::Error),
    /// The token exchanger of the shipping calls does not build.
    #[error(transparent)]
    Exchange(#[from] TokenExchangerConfigError),
    /// The key source does not build.
    #[error(transparent)]
    Keys(#[from] JwksSourceError),
    /// The JWT validator does not build.
    #[error(transparent)]
    Jwt(#[from] JwtConfigError),
    /// The server stopped with an error.
    #[error("the server failed: {0}")]
    Serve(#[source] std::io::Error),
}

impl DemoError {
    /// Says on stderr why `demo` cannot run, and answers the exit code 2.
    #[allow(clippy::print_stderr)] // the user reads this, logging or not
    pub fn report(&self, demo: &str) -> ExitCode {
        eprintln!("{demo}: {self}");
        ExitCode::from(2)
    }
}
