//! The validator's configuration, checked up front.

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::Algorithm;

use super::audience::{AudienceProblem, AudienceSettings};
use super::header_memo::HeaderMemo;
use super::jwt_validator::{Config, Issuer, JwtValidator};
use super::scope_claims::{DEFAULT_SCOPE_CLAIMS, RoleMapping};
use super::{DEFAULT_ALGORITHMS, DEFAULT_LEEWAY, TypeCheck};
use crate::validation::jwt::token_cache::{TokenCache, TokenCacheConfig};
use crate::validation::keys::KeySource;
use crate::{ScopeError, ScopePolicy};

/// Builds a [`JwtValidator`], reporting every configuration problem at once.
///
/// Required: at least one issuer with its keys, and at least one audience
/// (or an explicit [`disable_audience_check`](Self::disable_audience_check)).
/// Defaults: the asymmetric algorithms of [`DEFAULT_ALGORITHMS`], a leeway
/// of 60 s, [`TypeCheck::AccessTokenOrJwt`], the scope claims `scope` then
/// `scp`, no role mapping, the default [`ScopePolicy`], and a
/// [verified-token cache](TokenCacheConfig).
///
/// ```
/// use scopeguard_core::validation::jwt::{AudienceProblem, JwtConfigProblem, JwtValidator};
///
/// let problems = JwtValidator::builder().scope_claims(Vec::<String>::new()).build().unwrap_err();
/// assert_eq!(
///     problems.problems(),
///     [
///         JwtConfigProblem::NoIssuer,
///         JwtConfigProblem::Audience(AudienceProblem::NoAudience),
///         JwtConfigProblem::NoScopeClaim,
///     ],
/// );
/// ```
#[derive(Debug)]
#[must_use]
pub struct JwtValidatorBuilder {
    issuers: Vec<(String, Arc<dyn KeySource>)>,
    audience: AudienceSettings,
    algorithms: Vec<Algorithm>,
    leeway: Duration,
    type_check: TypeCheck,
    scope_claims: Vec<String>,
    role_mapping: Option<RoleMapping>,
    policy: Option<Arc<ScopePolicy>>,
    token_cache: Option<TokenCacheConfig>,
}

impl Default for JwtValidatorBuilder {
    fn default() -> Self {
        Self {
            issuers: Vec::new(),
            audience: AudienceSettings::default(),
            algorithms: DEFAULT_ALGORITHMS.to_vec(),
            leeway: DEFAULT_LEEWAY,
            type_check: TypeCheck::default(),
            scope_claims: DEFAULT_SCOPE_CLAIMS.map(str::to_owned).to_vec(),
            role_mapping: None,
            policy: None,
            token_cache: Some(TokenCacheConfig::default()),
        }
    }
}

impl JwtValidatorBuilder {
    /// Accepts tokens whose `iss` is exactly `issuer`, verified with the keys
    /// of `keys` only.
    pub fn issuer(self, issuer: impl Into<String>, keys: impl KeySource) -> Self {
        self.issuer_with_shared_keys(issuer, Arc::new(keys))
    }

    /// Like [`issuer`](Self::issuer), with a key source shared with other
    /// code (such as a remote key set refreshed in the background).
    pub fn issuer_with_shared_keys(mut self, issuer: impl Into<String>, keys: Arc<dyn KeySource>) -> Self {
        self.issuers.push((issuer.into(), keys));
        self
    }

    /// Accepts tokens whose `aud` contains `audience` (several calls accept
    /// any of the audiences).
    pub fn audience(self, audience: impl Into<String>) -> Self {
        self.audiences([audience])
    }

    /// Accepts tokens whose `aud` contains one of `audiences`.
    pub fn audiences<I>(mut self, audiences: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.audience.accept(audiences.into_iter().map(Into::into));
        self
    }

    /// Accepts tokens meant for any audience, or none.
    ///
    /// A token issued to another API of the same issuer is then accepted
    /// here: use this only when the issuer mints tokens for this API alone.
    pub fn disable_audience_check(mut self) -> Self {
        self.audience.disable_check();
        self
    }

    /// Sets the accepted algorithms (default [`DEFAULT_ALGORITHMS`]). HMAC
    /// algorithms are accepted only when listed here; `none` never is.
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = algorithms.into_iter().collect();
        self
    }

    /// Sets the clock leeway for `exp`, `nbf`, `iat` and a future
    /// `auth_time`, in whole seconds (default 60 s). It does not stretch a
    /// step-up `max_age`.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Sets which `typ` headers are accepted.
    pub fn type_check(mut self, type_check: TypeCheck) -> Self {
        self.type_check = type_check;
        self
    }

    /// Sets the claims granted scopes are read from, in order of preference
    /// (default `scope`, then `scp`): the first present is used, the others
    /// ignored.
    pub fn scope_claims<I>(mut self, claims: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.scope_claims = claims.into_iter().map(Into::into).collect();
        self
    }

    /// Adds the scopes of the token's roles to its granted scopes.
    pub fn role_mapping(mut self, roles: RoleMapping) -> Self {
        self.role_mapping = Some(roles);
        self
    }

    /// Sets the policy scopes are matched under (default
    /// [`ScopePolicy::default`]).
    pub fn policy(mut self, policy: impl Into<Arc<ScopePolicy>>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// Configures the verified-token cache (on by default).
    pub fn token_cache(mut self, config: TokenCacheConfig) -> Self {
        self.token_cache = Some(config);
        self
    }

    /// Verifies every token on every request.
    pub fn without_token_cache(mut self) -> Self {
        self.token_cache = None;
        self
    }

    /// Checks the configuration and builds the validator.
    ///
    /// It also installs scopeguard's crypto backend as jsonwebtoken's
    /// process-wide provider when none is installed yet (aws-lc-rs with the
    /// `aws-lc-rs` feature, else the RustCrypto crates), so the validator
    /// works whatever jsonwebtoken features other crates of the application
    /// enable; a provider installed before is kept. See
    /// [`install_crypto_provider`](super::install_crypto_provider).
    pub fn build(self) -> Result<JwtValidator, JwtConfigError> {
        let mut problems = Vec::new();
        if self.issuers.is_empty() {
            problems.push(JwtConfigProblem::NoIssuer);
        }
        let mut issuers: Vec<Issuer> = Vec::with_capacity(self.issuers.len());
        for (issuer, keys) in self.issuers {
            if issuer.is_empty() {
                problems.push(JwtConfigProblem::EmptyIssuer);
            } else if issuers.iter().any(|known| *known.iss == *issuer) {
                problems.push(JwtConfigProblem::DuplicateIssuer { issuer });
            } else {
                issuers.push(Issuer {
                    iss: issuer.into_boxed_str(),
                    keys,
                });
            }
        }
        problems.extend(self.audience.problems().map(JwtConfigProblem::Audience));
        let mut algorithms: Vec<Algorithm> = Vec::with_capacity(self.algorithms.len());
        for algorithm in self.algorithms {
            if !algorithms.contains(&algorithm) {
                algorithms.push(algorithm);
            }
        }
        if algorithms.is_empty() {
            problems.push(JwtConfigProblem::NoAlgorithm);
        }
        if self.scope_claims.is_empty() {
            problems.push(JwtConfigProblem::NoScopeClaim);
        }
        if self.scope_claims.iter().any(String::is_empty) {
            problems.push(JwtConfigProblem::EmptyScopeClaim);
        }
        let roles = self.role_mapping.and_then(|roles| roles.compile(&mut problems));
        if self.token_cache.is_some_and(|cache| cache.bytes() == 0) {
            problems.push(JwtConfigProblem::EmptyTokenCache);
        }
        if !problems.is_empty() {
            return Err(JwtConfigError { problems });
        }

        super::install_crypto_provider();
        Ok(JwtValidator::from_config(Config {
            issuers: issuers.into_boxed_slice(),
            audience: self.audience.into_check(false),
            algorithms: algorithms.into_boxed_slice(),
            leeway: self.leeway.as_secs(),
            type_check: self.type_check,
            scope_claims: self
                .scope_claims
                .into_iter()
                .map(String::into_boxed_str)
                .collect(),
            roles,
            policy: self.policy.unwrap_or_default(),
            cache: self.token_cache.map(TokenCache::new),
            headers: HeaderMemo::new(),
        }))
    }
}

/// One problem in a [`JwtValidatorBuilder`] configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwtConfigProblem {
    /// No issuer is configured.
    #[error("no issuer is configured")]
    NoIssuer,
    /// An issuer is the empty string.
    #[error("an issuer is empty")]
    EmptyIssuer,
    /// The same issuer is configured twice.
    #[error("issuer `{issuer}` is configured twice")]
    DuplicateIssuer {
        /// The issuer.
        issuer: String,
    },
    /// A problem with the audiences, as every validator builder reports it.
    #[error(transparent)]
    Audience(#[from] AudienceProblem),
    /// The algorithm allowlist is empty.
    #[error("no algorithm is allowed")]
    NoAlgorithm,
    /// The list of scope claims is empty.
    #[error("no scope claim is configured")]
    NoScopeClaim,
    /// A scope claim name is the empty string.
    #[error("a scope claim name is empty")]
    EmptyScopeClaim,
    /// The role claim path is empty or has an empty segment.
    #[error("the role claim path is empty or has an empty segment")]
    InvalidRolePath,
    /// A role maps to a scope that breaks the grammar.
    #[error("role `{role}` maps to an invalid scope: {error}")]
    InvalidRoleScope {
        /// The role.
        role: String,
        /// What is wrong with the scope.
        error: ScopeError,
    },
    /// The verified-token cache is bounded to zero bytes.
    #[error("the token cache holds zero bytes (disable it with `without_token_cache` instead)")]
    EmptyTokenCache,
}

/// Every problem found in a [`JwtValidatorBuilder`] configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JWT validator configuration: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct JwtConfigError {
    problems: Vec<JwtConfigProblem>,
}

impl JwtConfigError {
    /// The problems, in the order they were found.
    pub fn problems(&self) -> &[JwtConfigProblem] {
        &self.problems
    }
}
