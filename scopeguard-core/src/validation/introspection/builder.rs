//! The introspection validator's configuration, checked up front.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use super::answer_cache::{AnswerCache, CacheSettings};
use super::claim_settings::ClaimSettings;
use super::client_auth::{ClientAuthentication, ClientCredentials};
use super::config_error::{IntrospectionConfigError, IntrospectionConfigProblem};
use super::endpoint::Endpoint;
use super::introspection_validator::{Config, IntrospectionValidator};
use super::jwt_answer::{JWT_ANSWER_MEDIA_TYPE, JwtAnswerRules};
use super::single_flight::SingleFlight;
use super::{DEFAULT_CACHE_BYTES, DEFAULT_CACHE_TTL, DEFAULT_NEGATIVE_CACHE_TTL, DEFAULT_RETRY_AFTER};
use crate::ScopePolicy;
use crate::validation::jwt::{Algorithm, DEFAULT_ALGORITHMS, DEFAULT_LEEWAY};
use crate::validation::keys::{HttpFetchSettings, KeySource};

/// Builds an [`IntrospectionValidator`], reporting every configuration
/// problem at once.
///
/// Required: the endpoint (given to
/// [`IntrospectionValidator::builder`]), the
/// [client credentials](Self::client_credentials), the
/// [issuer](Self::issuer) (or an explicit
/// [`disable_issuer_check`](Self::disable_issuer_check)), and at least one
/// audience (or an explicit
/// [`disable_audience_check`](Self::disable_audience_check)).
///
/// Defaults: [`ClientAuthentication::ClientSecretBasic`], a leeway of 60 s,
/// the default [`ScopePolicy`], an answer cache of 16 MiB keeping accepted
/// tokens up to 60 s (never past their `exp`) and rejected ones 60 s,
/// `Retry-After: 5` when the endpoint fails, and
/// [`HttpFetchSettings::for_introspection`] (a connect timeout of 2 s, a
/// timeout of 5 s for the whole call, answers of at most 64 KiB, an HTTP
/// client that follows no redirect).
///
/// [`Debug`](fmt::Debug) never shows the client secret.
///
/// ```
/// use scopeguard_core::validation::introspection::{AudienceProblem, IntrospectionConfigProblem, IntrospectionValidator};
///
/// let problems = IntrospectionValidator::builder("ftp://idp.example/introspect")
///     .build()
///     .unwrap_err();
/// assert_eq!(
///     problems.problems(),
///     [
///         IntrospectionConfigProblem::InvalidEndpoint,
///         IntrospectionConfigProblem::NoClientCredentials,
///         IntrospectionConfigProblem::NoIssuer,
///         IntrospectionConfigProblem::Audience(AudienceProblem::NoAudience),
///     ],
/// );
/// ```
#[derive(Debug)]
#[must_use]
pub struct IntrospectionValidatorBuilder {
    endpoint: String,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    authentication: ClientAuthentication,
    claims: ClaimSettings,
    leeway: Duration,
    policy: Option<Arc<ScopePolicy>>,
    cache: CacheSettings,
    cache_enabled: bool,
    retry_after: Duration,
    http: HttpFetchSettings,
    jwt_answer_keys: Option<Arc<dyn KeySource>>,
    jwt_answer_algorithms: Vec<Algorithm>,
}

/// The client secret, never shown.
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl IntrospectionValidatorBuilder {
    pub(super) fn new(endpoint: String) -> Self {
        Self {
            endpoint,
            client_id: None,
            client_secret: None,
            authentication: ClientAuthentication::default(),
            claims: ClaimSettings::default(),
            leeway: DEFAULT_LEEWAY,
            policy: None,
            cache: CacheSettings {
                ttl: DEFAULT_CACHE_TTL,
                negative_ttl: DEFAULT_NEGATIVE_CACHE_TTL,
                max_bytes: DEFAULT_CACHE_BYTES,
            },
            cache_enabled: true,
            retry_after: DEFAULT_RETRY_AFTER,
            http: HttpFetchSettings::for_introspection(),
            jwt_answer_keys: None,
            jwt_answer_algorithms: DEFAULT_ALGORITHMS.to_vec(),
        }
    }

    /// The resource server's credentials at the authorization server.
    pub fn client_credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self.client_secret = Some(Secret(secret.into()));
        self
    }

    /// How the credentials are sent (default
    /// [`ClientAuthentication::ClientSecretBasic`]).
    pub fn client_authentication(mut self, authentication: ClientAuthentication) -> Self {
        self.authentication = authentication;
        self
    }

    /// Rejects answers whose `iss` is present and differs from `issuer`
    /// (compared exactly, as a JWT's `iss`). An answer without `iss` is
    /// accepted: RFC 7662 makes it optional.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.claims.issuer.replace(issuer.into());
        self
    }

    /// Accepts answers naming any issuer in `iss`.
    ///
    /// An authorization server's answer then says nothing about who issued
    /// the token: use this only when the endpoint answers for this
    /// issuer's tokens alone.
    pub fn disable_issuer_check(mut self) -> Self {
        self.claims.issuer.disable_check();
        self
    }

    /// Accepts tokens whose `aud` contains `audience` (several calls accept
    /// any of the audiences). An answer without `aud` is rejected unless
    /// [`allow_missing_audience`](Self::allow_missing_audience) is set.
    pub fn audience(self, audience: impl Into<String>) -> Self {
        self.audiences([audience])
    }

    /// Accepts tokens whose `aud` contains one of `audiences`.
    pub fn audiences<I>(mut self, audiences: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.claims.audience.accept(audiences.into_iter().map(Into::into));
        self
    }

    /// Accepts answers that have no `aud` at all, for authorization servers
    /// that leave it out. An answer that has `aud` must still contain a
    /// configured audience.
    pub fn allow_missing_audience(mut self) -> Self {
        self.claims.allow_missing_audience = true;
        self
    }

    /// Accepts tokens meant for any audience, or none.
    ///
    /// A token issued to another API of the same authorization server is
    /// then accepted here: use this only when the server issues tokens for
    /// this API alone.
    pub fn disable_audience_check(mut self) -> Self {
        self.claims.audience.disable_check();
        self
    }

    /// Sets the clock leeway for `exp`, `nbf`, `iat` and `auth_time`, in
    /// whole seconds (default 60 s). It does not stretch a step-up
    /// `max_age`.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Sets the policy scopes are matched under (default
    /// [`ScopePolicy::default`]).
    pub fn policy(mut self, policy: impl Into<Arc<ScopePolicy>>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// How long an accepted token is served from the cache at most (default
    /// 60 s); never past its `exp`. A token revoked at the authorization
    /// server is accepted here until its entry goes.
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache.ttl = ttl;
        self
    }

    /// How long a rejected token is remembered (default 60 s); zero
    /// remembers none.
    ///
    /// Both TTLs are measured on tokio's clock ([`tokio::time::Instant`]):
    /// a test with a paused clock ends them with `tokio::time::advance`.
    pub fn negative_cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache.negative_ttl = ttl;
        self
    }

    /// Bounds the cache: the answers it holds, plus a small overhead per
    /// entry, stay under `max_bytes` (default 16 MiB).
    pub fn cache_max_bytes(mut self, max_bytes: u64) -> Self {
        self.cache.max_bytes = max_bytes;
        self
    }

    /// Asks the endpoint on every validation. Concurrent validations of one
    /// token still share one call.
    pub fn without_cache(mut self) -> Self {
        self.cache_enabled = false;
        self
    }

    /// The `Retry-After` of the 503 answered while the endpoint fails
    /// (default 5 s).
    pub fn retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Asks for signed answers (RFC 9701): the endpoint is called with
    /// `Accept: application/token-introspection+jwt`, and its answer must be
    /// a JWT signed by a key of `keys` (the authorization server's key set,
    /// fetched like an access token's: a
    /// [`JwksSource`](crate::validation::keys::JwksSource) from a JWKS URL
    /// or by discovery), with the header `typ` `token-introspection+jwt`,
    /// `iss` the configured [issuer](Self::issuer), `aud` containing this
    /// client's id, and an `iat` not in the future (with the leeway). Its
    /// `token_introspection` claim is then the RFC 7662 answer, checked as
    /// usual, and the JWT is kept on the principal
    /// ([`Principal::introspection_jwt`](crate::Principal::introspection_jwt)).
    ///
    /// An answer failing one of those checks is not trusted: the token is
    /// answered as for a failing endpoint (503 with `Retry-After`, a `warn!`
    /// naming the check), never accepted, never cached. A verified answer
    /// saying `active: false` is an inactive token (401). Plain JSON answers
    /// are then refused like any malformed answer.
    ///
    /// Requires the issuer: [`disable_issuer_check`](Self::disable_issuer_check)
    /// is a configuration problem with signed answers.
    pub fn jwt_answers(self, keys: impl KeySource) -> Self {
        self.jwt_answers_with_shared_keys(Arc::new(keys))
    }

    /// Like [`jwt_answers`](Self::jwt_answers), with a key source shared
    /// with other code (such as the [`JwtValidator`](crate::JwtValidator) of
    /// the same issuer's access tokens).
    pub fn jwt_answers_with_shared_keys(mut self, keys: Arc<dyn KeySource>) -> Self {
        self.jwt_answer_keys = Some(keys);
        self
    }

    /// The algorithms a signed answer may be signed with (default
    /// [`DEFAULT_ALGORITHMS`]: every asymmetric one).
    pub fn jwt_answer_algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.jwt_answer_algorithms = algorithms.into_iter().collect();
        self
    }

    crate::validation::keys::remote::http_settings::http_fetch_setters!(for_introspection);

    /// Checks the configuration and builds the validator.
    pub fn build(self) -> Result<IntrospectionValidator, IntrospectionConfigError> {
        let mut problems = Vec::new();
        let url = Url::parse(&self.endpoint)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host());
        if url.is_none() {
            problems.push(IntrospectionConfigProblem::InvalidEndpoint);
        }
        match (&self.client_id, &self.client_secret) {
            (Some(id), Some(Secret(secret))) => {
                if id.is_empty() {
                    problems.push(IntrospectionConfigProblem::EmptyClientId);
                }
                if secret.is_empty() {
                    problems.push(IntrospectionConfigProblem::EmptyClientSecret);
                }
            }
            _ => problems.push(IntrospectionConfigProblem::NoClientCredentials),
        }
        self.claims.check(&mut problems);
        let mut durations = vec![("retry_after", self.retry_after)];
        if self.cache_enabled {
            durations.push(("cache_ttl", self.cache.ttl));
            if self.cache.max_bytes == 0 {
                problems.push(IntrospectionConfigProblem::EmptyCache);
            }
        }
        for (setting, duration) in durations {
            if duration.is_zero() {
                problems.push(IntrospectionConfigProblem::ZeroDuration { setting });
            }
        }
        if self.jwt_answer_keys.is_some() {
            if !self.claims.issuer.is_checked() {
                problems.push(IntrospectionConfigProblem::JwtAnswersWithoutIssuer);
            }
            if self.jwt_answer_algorithms.is_empty() {
                problems.push(IntrospectionConfigProblem::NoJwtAnswerAlgorithm);
            }
        }
        let http = self.http.into_http(&mut problems);
        let (Some(url), Some(http), Some(id), Some(Secret(secret)), true) =
            (url, http, self.client_id, self.client_secret, problems.is_empty())
        else {
            return Err(IntrospectionConfigError { problems });
        };
        let rules = self.claims.into_rules(self.leeway.as_secs());
        let jwt_answers = self.jwt_answer_keys.map(|keys| JwtAnswerRules {
            keys,
            algorithms: self.jwt_answer_algorithms.into(),
            issuer: rules.issuer.clone().unwrap_or_default(),
            client_id: id.clone().into(),
            leeway: self.leeway.as_secs(),
            max_age: None,
        });
        let accept = if jwt_answers.is_some() {
            JWT_ANSWER_MEDIA_TYPE
        } else {
            "application/json"
        };

        Ok(IntrospectionValidator::from_config(Config {
            endpoint: Endpoint {
                url,
                http,
                credentials: ClientCredentials::new(id, secret, self.authentication),
                accept,
            },
            rules,
            jwt_answers,
            policy: self.policy.unwrap_or_default(),
            cache: self.cache_enabled.then(|| AnswerCache::new(self.cache)),
            retry_after: self.retry_after,
            in_flight: SingleFlight::default(),
        }))
    }
}

#[cfg(test)]
#[path = "builder_tests.rs"]
mod tests;
