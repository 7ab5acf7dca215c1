//! Why a [`JwksSource`](super::JwksSource) cannot be built.

use std::fmt;
use std::time::Duration;

/// One problem with the configuration of a [`JwksSource`](super::JwksSource).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwksSourceProblem {
    /// The JWKS URL or the issuer is not an absolute `http` or `https` URL.
    #[error("`{setting}` is not an absolute http(s) URL")]
    InvalidUrl {
        /// `jwks_url` or `issuer`.
        setting: &'static str,
    },
    /// The issuer has a query or a fragment, which RFC 8414 §2 forbids.
    #[error("the issuer has a query or a fragment")]
    IssuerWithQueryOrFragment,
    /// A duration that must be positive is zero.
    #[error("`{setting}` must be longer than zero")]
    ZeroDuration {
        /// The builder method that set it.
        setting: &'static str,
    },
    /// A minimum is larger than its maximum.
    #[error("`{setting}`: the minimum {min:?} is larger than the maximum {max:?}")]
    InvertedBounds {
        /// The builder method that set them.
        setting: &'static str,
        /// The minimum.
        min: Duration,
        /// The maximum.
        max: Duration,
    },
    /// The body size limit is zero.
    #[error("`max_body_size` must be larger than zero")]
    ZeroBodySize,
    /// The default HTTP client could not be built.
    #[error("the HTTP client cannot be built: {0}")]
    HttpClient(String),
    /// No tokio runtime is running: a remote key source fetches and
    /// refreshes on tokio.
    #[error("a remote key source must be built inside a tokio runtime")]
    NoRuntime,
}

super::http_settings::from_http_fetch_problem!(JwksSourceProblem);

/// Every problem of a [`JwksSource`](super::JwksSource) configuration,
/// reported at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwksSourceError {
    pub(super) problems: Vec<JwksSourceProblem>,
}

impl JwksSourceError {
    /// The problems, in the order they were found.
    pub fn problems(&self) -> &[JwksSourceProblem] {
        &self.problems
    }
}

impl fmt::Display for JwksSourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid key source configuration")?;
        for (index, problem) in self.problems.iter().enumerate() {
            let separator = if index == 0 { ": " } else { "; " };
            write!(f, "{separator}{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for JwksSourceError {}
