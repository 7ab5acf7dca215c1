//! What can be wrong with a token exchanger's configuration.

use crate::GrantedScopesError;

/// One problem in a [`TokenExchangerBuilder`](super::TokenExchangerBuilder)
/// configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenExchangerConfigProblem {
    /// No token endpoint: neither a URL, nor discovery, nor an in-process
    /// endpoint.
    #[error("no token endpoint is configured")]
    NoTokenEndpoint,
    /// More than one token endpoint.
    #[error("more than one token endpoint is configured")]
    SeveralTokenEndpoints,
    /// The token endpoint is not an absolute `http` or `https` URL.
    #[error("the token endpoint is not an http(s) URL")]
    InvalidTokenEndpoint,
    /// The issuer to discover from is not an http(s) URL without query or
    /// fragment.
    #[error("the issuer to discover the token endpoint from is not an http(s) URL")]
    InvalidIssuer,
    /// An HTTP token endpoint needs client credentials.
    #[error("no client credentials are configured")]
    NoClientCredentials,
    /// The client id is the empty string.
    #[error("the client id is empty")]
    EmptyClientId,
    /// The client secret is the empty string.
    #[error("the client secret is empty")]
    EmptyClientSecret,
    /// The scopes to ask for break the grammar.
    #[error("the scopes to ask for are invalid: {0}")]
    InvalidScopes(GrantedScopesError),
    /// A parameter is set to the empty string.
    #[error("`{setting}` is empty")]
    Empty {
        /// The builder method that set it.
        setting: &'static str,
    },
    /// Refusals may be remembered 10 s at most (SPEC §3.8).
    #[error("refusals are remembered for at most 10 seconds")]
    RefusalTtlTooLong,
    /// A duration that must be positive is zero.
    #[error("`{setting}` is zero")]
    ZeroDuration {
        /// The builder method that set it.
        setting: &'static str,
    },
    /// The cache holds zero tokens.
    #[error("the cache holds zero tokens (disable it with `without_cache` instead)")]
    EmptyCache,
    /// The largest answer accepted is zero bytes.
    #[error("the largest answer accepted is zero bytes")]
    ZeroBodySize,
    /// The default HTTP client could not be built.
    #[error("the HTTP client could not be built: {0}")]
    HttpClient(String),
}

crate::validation::keys::remote::http_settings::from_http_fetch_problem!(TokenExchangerConfigProblem);

/// Every problem found in a
/// [`TokenExchangerBuilder`](super::TokenExchangerBuilder) configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid token exchanger configuration: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct TokenExchangerConfigError {
    pub(super) problems: Vec<TokenExchangerConfigProblem>,
}

impl TokenExchangerConfigError {
    /// The problems, in the order they were found.
    pub fn problems(&self) -> &[TokenExchangerConfigProblem] {
        &self.problems
    }
}
