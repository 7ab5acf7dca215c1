//! The settings of the conformance servers' downstream routes (SPEC §3.8,
//! §7): the API they call, and the token endpoint that exchanges tokens for
//! it.

use std::fmt;

use super::config::{ConfigProblem, DOWNSTREAM_URL};

/// The downstream API and the token exchange in front of it.
///
/// [`Debug`](fmt::Debug) never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct DownstreamSettings {
    /// The token endpoint (`SCOPEGUARD_TOKEN_EXCHANGE_URL`).
    pub token_endpoint: String,
    /// The client id there.
    pub client_id: String,
    /// The client secret there.
    pub client_secret: String,
    /// The downstream API's base URL (`SCOPEGUARD_DOWNSTREAM_URL`).
    pub url: String,
    /// The audience exchanged tokens are asked for, when set.
    pub audience: Option<String>,
}

impl DownstreamSettings {
    /// The settings from the values of the token-exchange variables and
    /// `SCOPEGUARD_DOWNSTREAM_URL` (in that order): all four, or none (the
    /// routes are not served), else a problem naming the missing ones.
    pub(super) fn from_values(
        values: [(&'static str, Option<String>); 4],
        audience: Option<String>,
        problems: &mut Vec<ConfigProblem>,
    ) -> Option<Self> {
        let missing: Vec<&'static str> = values
            .iter()
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| *name)
            .collect();
        if let [
            (_, Some(token_endpoint)),
            (_, Some(client_id)),
            (_, Some(client_secret)),
            (_, Some(url)),
        ] = values
        {
            return Some(Self {
                token_endpoint,
                client_id,
                client_secret,
                url,
                audience,
            });
        }
        if missing.len() < values.len() {
            problems.push(ConfigProblem::IncompleteDownstream(missing));
        } else if audience.is_some() {
            problems.push(ConfigProblem::IncompleteDownstream(vec![DOWNSTREAM_URL]));
        }
        None
    }
}

impl fmt::Debug for DownstreamSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DownstreamSettings")
            .field("token_endpoint", &self.token_endpoint)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("url", &self.url)
            .field("audience", &self.audience)
            .finish()
    }
}
