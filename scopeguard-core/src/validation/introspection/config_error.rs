//! What can be wrong with an introspection validator's configuration.

use crate::validation::jwt::AudienceProblem;

/// One problem in an
/// [`IntrospectionValidatorBuilder`](super::IntrospectionValidatorBuilder)
/// configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IntrospectionConfigProblem {
    /// The endpoint is not an absolute `http` or `https` URL with a host.
    #[error("the introspection endpoint is not an http(s) URL")]
    InvalidEndpoint,
    /// No client credentials are configured.
    #[error("no client credentials are configured")]
    NoClientCredentials,
    /// The client id is the empty string.
    #[error("the client id is empty")]
    EmptyClientId,
    /// The client secret is the empty string.
    #[error("the client secret is empty")]
    EmptyClientSecret,
    /// No issuer is configured, and the issuer check is not disabled.
    #[error("no issuer is configured (or disable the issuer check explicitly)")]
    NoIssuer,
    /// An issuer is configured, yet the issuer check is disabled.
    #[error("an issuer is configured, yet the issuer check is disabled")]
    IssuerWithoutIssuerCheck,
    /// The expected issuer is the empty string.
    #[error("the issuer is empty")]
    EmptyIssuer,
    /// A problem with the audiences, as every validator builder reports it.
    #[error(transparent)]
    Audience(#[from] AudienceProblem),
    /// Answers without `aud` are allowed, yet the audience check is disabled.
    #[error("answers without `aud` are allowed, yet the audience check is disabled")]
    MissingAudienceAllowedWithoutAudienceCheck,
    /// A duration that must be positive is zero.
    #[error("`{setting}` is zero")]
    ZeroDuration {
        /// The builder method that set it.
        setting: &'static str,
    },
    /// The answer cache is bounded to zero bytes.
    #[error("the answer cache holds zero bytes (disable it with `without_cache` instead)")]
    EmptyCache,
    /// The largest answer accepted is zero bytes.
    #[error("the largest answer accepted is zero bytes")]
    ZeroBodySize,
    /// Signed answers are asked for, yet the issuer check is disabled: a
    /// signed answer's `iss` must be the configured issuer.
    #[error("signed answers are asked for, yet no issuer is checked")]
    JwtAnswersWithoutIssuer,
    /// Signed answers are asked for with no algorithm allowed.
    #[error("signed answers are asked for with no algorithm allowed")]
    NoJwtAnswerAlgorithm,
    /// The default HTTP client could not be built.
    #[error("the HTTP client could not be built: {0}")]
    HttpClient(String),
}

crate::validation::keys::remote::http_settings::from_http_fetch_problem!(IntrospectionConfigProblem);

/// Every problem found in an
/// [`IntrospectionValidatorBuilder`](super::IntrospectionValidatorBuilder)
/// configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid introspection validator configuration: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct IntrospectionConfigError {
    pub(super) problems: Vec<IntrospectionConfigProblem>,
}

impl IntrospectionConfigError {
    /// The problems, in the order they were found.
    pub fn problems(&self) -> &[IntrospectionConfigProblem] {
        &self.problems
    }
}
