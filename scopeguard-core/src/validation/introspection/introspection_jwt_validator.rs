//! The API's side of the phantom-token flow: the signed introspection
//! answers (RFC 9701) a gateway forwards in place of opaque tokens,
//! validated locally.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::answer::{Answer, AnswerRules};
use super::claim_settings::ClaimSettings;
use super::config_error::{IntrospectionConfigError, IntrospectionConfigProblem};
use super::jwt_answer::{JwtAnswerProblem, JwtAnswerRules};
use crate::error::InvalidToken;
use crate::validation::jwt::{Algorithm, DEFAULT_ALGORITHMS, DEFAULT_LEEWAY};
use crate::validation::keys::KeySource;
use crate::validation::principal::unix_now;
use crate::{AuthError, Principal, ScopePolicy, TokenValidator};

/// How old a forwarded answer may be by default, by its `iat`: 300 s.
pub const DEFAULT_INTROSPECTION_JWT_MAX_AGE: Duration = Duration::from_secs(300);

/// Validates the signed introspection answers (RFC 9701) a gateway
/// forwards as bearer tokens in place of the client's opaque token (the
/// phantom-token flow), without calling the authorization server.
///
/// The bearer token must be a JWT of the authorization server: signed by a
/// key of its key source, `typ` `token-introspection+jwt`, `iss` the
/// issuer, `aud` the gateway's client id (the client that asked for the
/// answer), and an `iat` neither in the future nor older than the
/// [`max_age`](IntrospectionJwtValidatorBuilder::max_age) (plus the
/// leeway). Its `token_introspection` claim is then checked as
/// [`IntrospectionValidator`](super::IntrospectionValidator) checks an
/// answer: `active: true`, and `exp`, `nbf`, `iat`, `iss`, `aud` (this
/// API's audience) and `scope`. Every failure is a 401 `invalid_token`,
/// except keys never obtained (503).
///
/// ```no_run
/// use scopeguard_core::validation::introspection::IntrospectionJwtValidator;
/// use scopeguard_core::validation::keys::JwksSource;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let keys = JwksSource::discover("https://idp.example.com").build().await?;
/// let validator = IntrospectionJwtValidator::builder("https://idp.example.com", "gateway", keys)
///     .audience("orders-api")
///     .build()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct IntrospectionJwtValidator {
    config: Arc<Config>,
}

struct Config {
    answers: JwtAnswerRules,
    rules: AnswerRules,
    policy: Arc<ScopePolicy>,
}

/// Builds an [`IntrospectionJwtValidator`], reporting every problem at
/// once. An audience is required, or an explicit
/// [`disable_audience_check`](Self::disable_audience_check).
#[derive(Debug)]
#[must_use]
pub struct IntrospectionJwtValidatorBuilder {
    issuer: String,
    client_id: String,
    keys: Arc<dyn KeySource>,
    claims: ClaimSettings,
    algorithms: Vec<Algorithm>,
    leeway: Duration,
    max_age: Duration,
    policy: Option<Arc<ScopePolicy>>,
}

impl IntrospectionJwtValidator {
    /// A builder for answers signed by `issuer` with `keys`, asked for by
    /// the gateway whose client id is `client_id`.
    pub fn builder(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        keys: impl KeySource,
    ) -> IntrospectionJwtValidatorBuilder {
        IntrospectionJwtValidatorBuilder {
            issuer: issuer.into(),
            client_id: client_id.into(),
            keys: Arc::new(keys),
            claims: ClaimSettings::default(),
            algorithms: DEFAULT_ALGORITHMS.to_vec(),
            leeway: DEFAULT_LEEWAY,
            max_age: DEFAULT_INTROSPECTION_JWT_MAX_AGE,
            policy: None,
        }
    }

    /// Validates `jwt`: the principal of the token it describes, or why
    /// not. The principal keeps the JWT
    /// ([`Principal::introspection_jwt`]).
    pub async fn validate(&self, jwt: &str) -> Result<Principal, AuthError> {
        let outcome = self.check(jwt).await;
        if let Err(error) = &outcome {
            tracing::debug!(
                reason = error.label(),
                status = error.status(),
                "introspection JWT rejected"
            );
        }
        outcome
    }

    async fn check(&self, jwt: &str) -> Result<Principal, AuthError> {
        let config = &*self.config;
        let now = unix_now();
        let json = config.answers.verify(jwt, now).await.map_err(|problem| {
            tracing::debug!(cause = %problem, "introspection JWT not trusted");
            token_error(problem)
        })?;
        match Answer::parse(&json) {
            Err(_) => Err(InvalidToken::InvalidClaim.into()),
            Ok(Answer::Inactive) => Err(InvalidToken::Inactive.into()),
            Ok(Answer::Active(active)) => {
                let checked = active.check(&config.rules, now)?;
                Ok(checked.into_principal(json, Some(jwt.into()), Arc::clone(&config.policy), jwt))
            }
        }
    }
}

/// What an untrusted answer means when it is the bearer token itself.
fn token_error(problem: JwtAnswerProblem) -> AuthError {
    let reason = match problem {
        JwtAnswerProblem::KeysUnavailable(unavailable) => return unavailable.into(),
        JwtAnswerProblem::NotAJwt => InvalidToken::Malformed,
        JwtAnswerProblem::WrongType => InvalidToken::InvalidType,
        JwtAnswerProblem::Signature(reason) => reason,
        JwtAnswerProblem::WrongIssuer => InvalidToken::InvalidIssuer,
        JwtAnswerProblem::WrongAudience => InvalidToken::InvalidAudience,
        JwtAnswerProblem::BadIssuedAt => InvalidToken::InvalidClaim,
        JwtAnswerProblem::Stale => InvalidToken::Expired,
        JwtAnswerProblem::NoIntrospectionClaim => InvalidToken::MissingClaim,
    };
    reason.into()
}

impl IntrospectionJwtValidatorBuilder {
    /// Accepts tokens whose `aud` contains `audience` (several calls accept
    /// any of them).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.claims.audience.accept([audience.into()]);
        self
    }

    /// Accepts tokens without `aud`, for authorization servers that leave
    /// it out of their answers.
    pub fn allow_missing_audience(mut self) -> Self {
        self.claims.allow_missing_audience = true;
        self
    }

    /// Accepts tokens meant for any audience, or none.
    pub fn disable_audience_check(mut self) -> Self {
        self.claims.audience.disable_check();
        self
    }

    /// The algorithms answers may be signed with (default: every
    /// asymmetric one).
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = algorithms.into_iter().collect();
        self
    }

    /// The clock leeway, in whole seconds (default 60 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// How old an answer may be, by its `iat` (default 300 s): at least as
    /// long as the gateway keeps answers in its cache, or its cached
    /// answers are refused here.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// The policy scopes are matched under (default
    /// [`ScopePolicy::default`]).
    pub fn policy(mut self, policy: impl Into<Arc<ScopePolicy>>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// Checks the configuration and builds the validator.
    pub fn build(mut self) -> Result<IntrospectionJwtValidator, IntrospectionConfigError> {
        let mut problems = Vec::new();
        if self.issuer.is_empty() {
            problems.push(IntrospectionConfigProblem::EmptyIssuer);
        }
        if self.client_id.is_empty() {
            problems.push(IntrospectionConfigProblem::EmptyClientId);
        }
        self.claims.issuer.replace(self.issuer.clone());
        self.claims.check(&mut problems);
        if self.algorithms.is_empty() {
            problems.push(IntrospectionConfigProblem::NoJwtAnswerAlgorithm);
        }
        if self.max_age.is_zero() {
            problems.push(IntrospectionConfigProblem::ZeroDuration { setting: "max_age" });
        }
        if !problems.is_empty() {
            return Err(IntrospectionConfigError { problems });
        }
        let leeway = self.leeway.as_secs();
        Ok(IntrospectionJwtValidator {
            config: Arc::new(Config {
                answers: JwtAnswerRules {
                    keys: self.keys,
                    algorithms: self.algorithms.into(),
                    issuer: self.issuer.into(),
                    client_id: self.client_id.into(),
                    leeway,
                    max_age: Some(self.max_age.as_secs()),
                },
                rules: self.claims.into_rules(leeway),
                policy: self.policy.unwrap_or_default(),
            }),
        })
    }
}

impl fmt::Debug for IntrospectionJwtValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntrospectionJwtValidator")
            .field("answers", &self.config.answers)
            .field("rules", &self.config.rules)
            .field("policy", &self.config.policy)
            .finish()
    }
}

impl TokenValidator for IntrospectionJwtValidator {
    fn validate(&self, token: &str) -> impl Future<Output = Result<Principal, AuthError>> + Send {
        Self::validate(self, token)
    }
}
