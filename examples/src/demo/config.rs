//! The demos' configuration, read from the environment.
//!
//! | variable | meaning |
//! | --- | --- |
//! | `SCOPEGUARD_ADDR` | listen address, default `127.0.0.1:3000` (port 0: any free port) |
//! | `SCOPEGUARD_ISSUER` | a real provider's issuer; unset: the embedded development issuer |
//! | `SCOPEGUARD_AUDIENCE` | the audience tokens must name; required with `SCOPEGUARD_ISSUER` |
//! | `SCOPEGUARD_JWKS_URL` | the provider's JWKS URL; unset: discovery from the issuer |

use std::net::SocketAddr;

/// `SCOPEGUARD_ADDR`: the listen address.
pub const ADDR: &str = "SCOPEGUARD_ADDR";
/// `SCOPEGUARD_ISSUER`: the issuer of a real provider.
pub const ISSUER: &str = "SCOPEGUARD_ISSUER";
/// `SCOPEGUARD_AUDIENCE`: the audience the provider's tokens name.
pub const AUDIENCE: &str = "SCOPEGUARD_AUDIENCE";
/// `SCOPEGUARD_JWKS_URL`: the provider's JWKS URL.
pub const JWKS_URL: &str = "SCOPEGUARD_JWKS_URL";

/// The listen address used when `SCOPEGUARD_ADDR` is not set.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";

/// Who issues the tokens the demo accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// The embedded development issuer, started on loopback with the demo.
    Embedded,
    /// A real provider.
    Provider {
        /// Its issuer (`iss`).
        issuer: String,
        /// The audience its tokens name for this API (`aud`).
        audience: String,
        /// Its JWKS URL; `None`: found by discovery from the issuer.
        jwks_url: Option<String>,
    },
}

/// The configuration of a demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// The address to listen on.
    pub addr: SocketAddr,
    /// Who issues the tokens.
    pub tokens: TokenSource,
}

/// What is wrong with the environment, every problem at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {}", .problems.join("; "))]
pub struct ConfigError {
    problems: Vec<String>,
}

impl ConfigError {
    /// The problems, one sentence each.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl DemoConfig {
    /// Reads the configuration from the process environment; an empty
    /// variable counts as unset.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }

    /// Reads the configuration through `lookup`, which answers the value of
    /// a variable, `None` when unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let addr = lookup(ADDR).unwrap_or_else(|| DEFAULT_ADDR.to_owned());
        let addr = addr.parse::<SocketAddr>().map_err(|_| {
            problems.push(format!(
                "{ADDR} must be an IP address and a port, such as {DEFAULT_ADDR}"
            ));
        });
        let tokens = match (lookup(ISSUER), lookup(AUDIENCE), lookup(JWKS_URL)) {
            (None, None, None) => Some(TokenSource::Embedded),
            (Some(issuer), Some(audience), jwks_url) => Some(TokenSource::Provider {
                issuer,
                audience,
                jwks_url,
            }),
            (issuer, audience, _) => {
                if issuer.is_none() {
                    problems.push(format!("{ISSUER} is required with {AUDIENCE} or {JWKS_URL}"));
                }
                if audience.is_none() {
                    problems.push(format!("{AUDIENCE} is required with {ISSUER}"));
                }
                None
            }
        };
        match (addr, tokens) {
            (Ok(addr), Some(tokens)) => Ok(Self { addr, tokens }),
            _ => Err(ConfigError { problems }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(variables: &[(&str, &str)]) -> Result<DemoConfig, ConfigError> {
        DemoConfig::from_lookup(|name| {
            variables
                .iter()
                .find(|(variable, _)| *variable == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn no_configuration_is_the_embedded_issuer_on_port_3000() {
        let config = config(&[]).expect("valid");
        assert_eq!(config.addr, DEFAULT_ADDR.parse().expect("an address"));
        assert_eq!(config.tokens, TokenSource::Embedded);
    }

    #[test]
    fn an_issuer_and_an_audience_name_a_real_provider() {
        let config = config(&[
            (ADDR, "127.0.0.1:0"),
            (ISSUER, "https://idp.example"),
            (AUDIENCE, "inventory"),
        ])
        .expect("valid");
        assert_eq!(config.addr.port(), 0);
        assert_eq!(
            config.tokens,
            TokenSource::Provider {
                issuer: "https://idp.example".to_owned(),
                audience: "inventory".to_owned(),
                jwks_url: None,
            }
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let error =
            config(&[(ADDR, "localhost"), (JWKS_URL, "https://idp.example/jwks")]).expect_err("invalid");
        assert_eq!(error.problems().len(), 3, "{error}");
    }
}
