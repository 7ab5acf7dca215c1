//! The conformance servers' configuration, read from the environment
//! (SPEC §7), with every problem reported at once.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use scopeguard_core::error::challenge::DEFAULT_REALM;

pub use super::downstream_settings::DownstreamSettings;

/// `SCOPEGUARD_ADDR`: the listen address.
pub const ADDR: &str = "SCOPEGUARD_ADDR";
/// `SCOPEGUARD_ISSUER`: the required issuer.
pub const ISSUER: &str = "SCOPEGUARD_ISSUER";
/// `SCOPEGUARD_AUDIENCE`: the required audience.
pub const AUDIENCE: &str = "SCOPEGUARD_AUDIENCE";
/// `SCOPEGUARD_JWKS_URL`: the JWKS URL; when absent, discovery from the issuer.
pub const JWKS_URL: &str = "SCOPEGUARD_JWKS_URL";
/// `SCOPEGUARD_REALM`: the realm of every challenge.
pub const REALM: &str = "SCOPEGUARD_REALM";
/// `SCOPEGUARD_JWKS_COOLDOWN_SECS`: the unknown-`kid` refresh cooldown.
pub const JWKS_COOLDOWN_SECS: &str = "SCOPEGUARD_JWKS_COOLDOWN_SECS";
/// `SCOPEGUARD_LEEWAY_SECS`: the clock leeway.
pub const LEEWAY_SECS: &str = "SCOPEGUARD_LEEWAY_SECS";
/// `SCOPEGUARD_INTROSPECTION_URL`: the RFC 7662 introspection endpoint.
pub const INTROSPECTION_URL: &str = "SCOPEGUARD_INTROSPECTION_URL";
/// `SCOPEGUARD_INTROSPECTION_CLIENT_ID`: the server's client id there.
pub const INTROSPECTION_CLIENT_ID: &str = "SCOPEGUARD_INTROSPECTION_CLIENT_ID";
/// `SCOPEGUARD_INTROSPECTION_CLIENT_SECRET`: the server's client secret there.
pub const INTROSPECTION_CLIENT_SECRET: &str = "SCOPEGUARD_INTROSPECTION_CLIENT_SECRET";

/// `SCOPEGUARD_TOKEN_EXCHANGE_URL`: the token endpoint of SPEC §3.8.
pub const TOKEN_EXCHANGE_URL: &str = "SCOPEGUARD_TOKEN_EXCHANGE_URL";
/// `SCOPEGUARD_TOKEN_EXCHANGE_CLIENT_ID`: the server's client id there.
pub const TOKEN_EXCHANGE_CLIENT_ID: &str = "SCOPEGUARD_TOKEN_EXCHANGE_CLIENT_ID";
/// `SCOPEGUARD_TOKEN_EXCHANGE_CLIENT_SECRET`: the server's client secret there.
pub const TOKEN_EXCHANGE_CLIENT_SECRET: &str = "SCOPEGUARD_TOKEN_EXCHANGE_CLIENT_SECRET";
/// `SCOPEGUARD_DOWNSTREAM_URL`: the API the `downstream` routes call.
pub const DOWNSTREAM_URL: &str = "SCOPEGUARD_DOWNSTREAM_URL";
/// `SCOPEGUARD_DOWNSTREAM_AUDIENCE`: the audience exchanged tokens are asked for.
pub const DOWNSTREAM_AUDIENCE: &str = "SCOPEGUARD_DOWNSTREAM_AUDIENCE";

/// Every variable the servers read.
pub const VARIABLES: [&str; 15] = [
    ADDR,
    ISSUER,
    AUDIENCE,
    JWKS_URL,
    REALM,
    JWKS_COOLDOWN_SECS,
    LEEWAY_SECS,
    INTROSPECTION_URL,
    INTROSPECTION_CLIENT_ID,
    INTROSPECTION_CLIENT_SECRET,
    TOKEN_EXCHANGE_URL,
    TOKEN_EXCHANGE_CLIENT_ID,
    TOKEN_EXCHANGE_CLIENT_SECRET,
    DOWNSTREAM_URL,
    DOWNSTREAM_AUDIENCE,
];

/// The listen address used when `SCOPEGUARD_ADDR` is not set.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Where the JWT validator finds the issuer's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLocation {
    /// A JWKS URL (`SCOPEGUARD_JWKS_URL`).
    JwksUrl(String),
    /// Discovery from the issuer's metadata.
    Discovery,
}

/// The introspection endpoint and the server's credentials there.
///
/// [`Debug`](fmt::Debug) never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct IntrospectionSettings {
    /// The endpoint URL.
    pub url: String,
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: String,
}

impl fmt::Debug for IntrospectionSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntrospectionSettings")
            .field("url", &self.url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// The configuration of a conformance server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConformanceConfig {
    /// The address to listen on (port 0: any free port).
    pub addr: SocketAddr,
    /// The issuer tokens must name.
    pub issuer: String,
    /// The audience tokens must name.
    pub audience: String,
    /// Where the issuer's keys are.
    pub keys: KeyLocation,
    /// The realm of every challenge.
    pub realm: String,
    /// The unknown-`kid` refresh cooldown; `None`: the library's default.
    pub jwks_cooldown: Option<Duration>,
    /// The clock leeway; `None`: the library's default.
    pub leeway: Option<Duration>,
    /// Introspection, for the `/introspected/...` route; `None`: that route
    /// is not served.
    pub introspection: Option<IntrospectionSettings>,
    /// The downstream API and the token exchange of the
    /// `/orders/{id}/shipping/...` routes; `None`: they are not served.
    pub downstream: Option<DownstreamSettings>,
}

/// One problem in the environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigProblem {
    /// A required variable is not set (or empty).
    #[error("{0} is required")]
    Missing(&'static str),
    /// A variable's value is not valid Unicode.
    #[error("{0} is not valid Unicode")]
    NotUnicode(&'static str),
    /// A variable's value cannot be used.
    #[error("{variable} is invalid: {reason}")]
    Invalid {
        /// The variable.
        variable: &'static str,
        /// What it must be.
        reason: &'static str,
    },
    /// Some introspection variables are set, not all.
    #[error("introspection needs {INTROSPECTION_URL}, {INTROSPECTION_CLIENT_ID} and {INTROSPECTION_CLIENT_SECRET}; missing: {}", .0.join(", "))]
    IncompleteIntrospection(Vec<&'static str>),
    /// Some downstream variables are set, not all the routes need.
    #[error("the downstream routes need {TOKEN_EXCHANGE_URL}, {TOKEN_EXCHANGE_CLIENT_ID}, {TOKEN_EXCHANGE_CLIENT_SECRET} and {DOWNSTREAM_URL}; missing: {}", .0.join(", "))]
    IncompleteDownstream(Vec<&'static str>),
}

/// Every problem found in the environment, in the order of [`VARIABLES`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ConfigError {
    problems: Vec<ConfigProblem>,
}

impl ConfigError {
    /// The problems.
    pub fn problems(&self) -> &[ConfigProblem] {
        &self.problems
    }
}

/// A variable's value: set, unset (or empty), or not Unicode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Set to this text.
    Set(String),
    /// Not set, or set to the empty string.
    Unset,
    /// Set to bytes that are not Unicode.
    NotUnicode,
}

impl ConformanceConfig {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| match std::env::var(name) {
            Ok(value) if value.is_empty() => Lookup::Unset,
            Ok(value) => Lookup::Set(value),
            Err(std::env::VarError::NotPresent) => Lookup::Unset,
            Err(std::env::VarError::NotUnicode(_)) => Lookup::NotUnicode,
        })
    }

    /// Reads the configuration through `lookup`, which answers for each
    /// variable name.
    pub fn from_lookup(lookup: impl Fn(&'static str) -> Lookup) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let mut text = |name: &'static str| match lookup(name) {
            Lookup::Set(value) => Some(value),
            Lookup::Unset => None,
            Lookup::NotUnicode => {
                problems.push(ConfigProblem::NotUnicode(name));
                None
            }
        };
        let addr = text(ADDR);
        let issuer = text(ISSUER);
        let audience = text(AUDIENCE);
        let jwks_url = text(JWKS_URL);
        let realm = text(REALM);
        let cooldown = text(JWKS_COOLDOWN_SECS);
        let leeway = text(LEEWAY_SECS);
        let introspection = [
            (INTROSPECTION_URL, text(INTROSPECTION_URL)),
            (INTROSPECTION_CLIENT_ID, text(INTROSPECTION_CLIENT_ID)),
            (INTROSPECTION_CLIENT_SECRET, text(INTROSPECTION_CLIENT_SECRET)),
        ];
        let downstream = [
            (TOKEN_EXCHANGE_URL, text(TOKEN_EXCHANGE_URL)),
            (TOKEN_EXCHANGE_CLIENT_ID, text(TOKEN_EXCHANGE_CLIENT_ID)),
            (TOKEN_EXCHANGE_CLIENT_SECRET, text(TOKEN_EXCHANGE_CLIENT_SECRET)),
            (DOWNSTREAM_URL, text(DOWNSTREAM_URL)),
        ];
        let downstream_audience = text(DOWNSTREAM_AUDIENCE);

        let addr = addr.as_deref().unwrap_or(DEFAULT_ADDR).parse::<SocketAddr>().ok();
        if addr.is_none() {
            problems.push(ConfigProblem::Invalid {
                variable: ADDR,
                reason: "an IP address and a port, such as 127.0.0.1:8080",
            });
        }
        if issuer.is_none() {
            problems.push(ConfigProblem::Missing(ISSUER));
        }
        if audience.is_none() {
            problems.push(ConfigProblem::Missing(AUDIENCE));
        }
        let jwks_cooldown = seconds(JWKS_COOLDOWN_SECS, cooldown.as_deref(), &mut problems);
        let leeway = seconds(LEEWAY_SECS, leeway.as_deref(), &mut problems);
        let introspection = introspection_settings(introspection, &mut problems);
        let downstream = DownstreamSettings::from_values(downstream, downstream_audience, &mut problems);

        match (addr, issuer, audience) {
            (Some(addr), Some(issuer), Some(audience)) if problems.is_empty() => Ok(Self {
                addr,
                issuer,
                audience,
                keys: jwks_url.map_or(KeyLocation::Discovery, KeyLocation::JwksUrl),
                realm: realm.unwrap_or_else(|| DEFAULT_REALM.to_owned()),
                jwks_cooldown,
                leeway,
                introspection,
                downstream,
            }),
            _ => Err(ConfigError { problems }),
        }
    }
}

/// A whole number of seconds, when set.
fn seconds(
    variable: &'static str,
    value: Option<&str>,
    problems: &mut Vec<ConfigProblem>,
) -> Option<Duration> {
    let value = value?;
    let seconds = value.parse::<u64>().ok().map(Duration::from_secs);
    if seconds.is_none() {
        problems.push(ConfigProblem::Invalid {
            variable,
            reason: "a whole number of seconds",
        });
    }
    seconds
}

/// The introspection settings: all three variables, or none.
fn introspection_settings(
    values: [(&'static str, Option<String>); 3],
    problems: &mut Vec<ConfigProblem>,
) -> Option<IntrospectionSettings> {
    let missing: Vec<&'static str> = values
        .iter()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect();
    if let [(_, Some(url)), (_, Some(client_id)), (_, Some(client_secret))] = values {
        return Some(IntrospectionSettings {
            url,
            client_id,
            client_secret,
        });
    }
    if missing.len() < values.len() {
        problems.push(ConfigProblem::IncompleteIntrospection(missing));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(variables: &[(&'static str, &str)]) -> Result<ConformanceConfig, ConfigError> {
        ConformanceConfig::from_lookup(|name| {
            variables
                .iter()
                .find(|(variable, _)| *variable == name)
                .map_or(Lookup::Unset, |(_, value)| Lookup::Set((*value).to_owned()))
        })
    }

    #[test]
    fn the_defaults_need_only_issuer_and_audience() {
        let config = config(&[(ISSUER, "https://idp.example"), (AUDIENCE, "api")]).expect("valid");
        assert_eq!(config.addr, DEFAULT_ADDR.parse().expect("an address"));
        assert_eq!(config.keys, KeyLocation::Discovery);
        assert_eq!(config.realm, "scopeguard");
        assert_eq!((config.jwks_cooldown, config.leeway), (None, None));
        assert_eq!(config.introspection, None);
        assert_eq!(config.downstream, None);
    }

    #[test]
    fn every_setting_is_read() {
        let config = config(&[
            (ADDR, "127.0.0.1:0"),
            (ISSUER, "https://idp.example"),
            (AUDIENCE, "api"),
            (JWKS_URL, "https://idp.example/jwks"),
            (REALM, "shop"),
            (JWKS_COOLDOWN_SECS, "5"),
            (LEEWAY_SECS, "0"),
            (INTROSPECTION_URL, "https://idp.example/introspect"),
            (INTROSPECTION_CLIENT_ID, "api"),
            (INTROSPECTION_CLIENT_SECRET, "secret"),
        ])
        .expect("valid");
        assert_eq!(config.addr.port(), 0);
        assert_eq!(
            config.keys,
            KeyLocation::JwksUrl("https://idp.example/jwks".to_owned())
        );
        assert_eq!(config.realm, "shop");
        assert_eq!(config.jwks_cooldown, Some(Duration::from_secs(5)));
        assert_eq!(config.leeway, Some(Duration::ZERO));
        let introspection = config.introspection.expect("introspection");
        assert_eq!(introspection.client_id, "api");
        assert!(!format!("{introspection:?}").contains("secret\""));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let error = config(&[
            (ADDR, "localhost"),
            (LEEWAY_SECS, "-1"),
            (INTROSPECTION_URL, "https://idp.example/introspect"),
        ])
        .expect_err("invalid");
        assert_eq!(
            error.problems(),
            [
                ConfigProblem::Invalid {
                    variable: ADDR,
                    reason: "an IP address and a port, such as 127.0.0.1:8080",
                },
                ConfigProblem::Missing(ISSUER),
                ConfigProblem::Missing(AUDIENCE),
                ConfigProblem::Invalid {
                    variable: LEEWAY_SECS,
                    reason: "a whole number of seconds",
                },
                ConfigProblem::IncompleteIntrospection(vec![
                    INTROSPECTION_CLIENT_ID,
                    INTROSPECTION_CLIENT_SECRET
                ]),
            ]
        );
        assert!(error.to_string().contains("SCOPEGUARD_ISSUER is required"));
    }
}
