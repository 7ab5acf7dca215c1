//! The introspection validator: from an opaque token to a [`Principal`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::answer::{Answer, AnswerRules, MalformedAnswer};
use super::answer_cache::{AnswerCache, TokenHash};
use super::builder::IntrospectionValidatorBuilder;
use super::endpoint::Endpoint;
use super::jwt_answer::JwtAnswerRules;
use super::single_flight::SingleFlight;
use crate::error::{InvalidToken, Unavailable};
use crate::validation::keys::remote::fetch::Causes;
use crate::validation::principal::unix_now;
use crate::{AuthError, Principal, ScopePolicy, TokenValidator};

/// Validates opaque access tokens at an introspection endpoint (RFC 7662;
/// SPEC §3.5).
///
/// Built with [`IntrospectionValidator::builder`]. Cloning is cheap, and
/// clones share the answer cache and the calls under way.
///
/// A validation looks in the answer cache (keyed by the SHA-256 of the
/// token), else joins the call already under way for the same token, else
/// posts the token to the endpoint. See the [module](super) for what is
/// checked.
#[derive(Clone)]
pub struct IntrospectionValidator {
    config: Arc<Config>,
}

/// A built configuration.
pub(super) struct Config {
    pub(super) endpoint: Endpoint,
    pub(super) rules: AnswerRules,
    /// Set when signed answers (RFC 9701) are asked for.
    pub(super) jwt_answers: Option<JwtAnswerRules>,
    pub(super) policy: Arc<ScopePolicy>,
    pub(super) cache: Option<AnswerCache>,
    pub(super) retry_after: Duration,
    pub(super) in_flight: SingleFlight,
}

impl IntrospectionValidator {
    /// A builder for a validator that asks the introspection endpoint at
    /// `endpoint`; see [`IntrospectionValidatorBuilder`].
    pub fn builder(endpoint: impl Into<String>) -> IntrospectionValidatorBuilder {
        IntrospectionValidatorBuilder::new(endpoint.into())
    }

    pub(super) fn from_config(config: Config) -> Self {
        Self {
            config: Arc::new(config),
        }
    }

    /// The introspection endpoint.
    pub fn endpoint(&self) -> &str {
        self.config.endpoint.url.as_str()
    }

    /// The policy principals are matched under.
    pub fn policy(&self) -> &Arc<ScopePolicy> {
        &self.config.policy
    }

    /// Validates `token`: the [`Principal`] the endpoint describes, or why
    /// not.
    ///
    /// Every rejection is a `tracing` event at debug level with its label,
    /// and every endpoint failure one at warn level with its cause; the
    /// token itself is never logged.
    pub async fn validate(&self, token: &str) -> Result<Principal, AuthError> {
        let config = &*self.config;
        let hash = TokenHash::of(token);
        let cached = config
            .cache
            .as_ref()
            .and_then(|cache| cache.get(&hash, unix_now()));
        let outcome = match cached {
            Some(outcome) => outcome,
            None => {
                config
                    .in_flight
                    .run(hash, || config.introspect(hash, token))
                    .await
            }
        };
        if let Err(error) = &outcome {
            tracing::debug!(
                reason = error.label(),
                status = error.status(),
                "introspected token rejected"
            );
        }
        outcome
    }
}

impl Config {
    /// One call to the endpoint, and what it means for the token.
    async fn introspect(&self, hash: TokenHash, token: &str) -> Result<Principal, AuthError> {
        // A call that ended between the caller's cache lookup and its
        // joining the calls under way has left its answer here.
        if let Some(outcome) = self.cache.as_ref().and_then(|cache| cache.get(&hash, unix_now())) {
            return outcome;
        }
        let body = self
            .endpoint
            .introspect(token)
            .await
            .map_err(|error| self.unavailable(&Causes(&error)))?;
        let text = String::from_utf8(body).map_err(|_| self.unavailable(&MalformedAnswer::NotUtf8))?;
        let now = unix_now();
        let (json, jwt) = match &self.jwt_answers {
            None => (text, None),
            Some(rules) => match rules.verify(text.trim_ascii(), now).await {
                Ok(json) => (json, Some(text.trim_ascii().into())),
                Err(problem) => return Err(self.unavailable(&problem)),
            },
        };
        let checked = match Answer::parse(&json) {
            Err(malformed) => return Err(self.unavailable(&malformed)),
            Ok(Answer::Inactive) => Err(InvalidToken::Inactive),
            Ok(Answer::Active(active)) => active.check(&self.rules, now),
        };
        match checked {
            Ok(checked) => {
                let exp = checked.exp();
                let principal = checked.into_principal(json, jwt, Arc::clone(&self.policy), token);
                if let Some(cache) = &self.cache {
                    cache.accept(hash, principal.clone(), exp, now);
                }
                Ok(principal)
            }
            Err(reason) => {
                if let Some(cache) = &self.cache
                    && is_lasting(reason)
                {
                    cache.reject(hash, reason);
                }
                Err(reason.into())
            }
        }
    }

    /// The endpoint is failing: logged with its cause, 503.
    fn unavailable(&self, cause: &dyn fmt::Display) -> AuthError {
        tracing::warn!(
            endpoint = %self.endpoint.url,
            cause = %cause,
            "token introspection failed"
        );
        Unavailable::Introspection {
            retry_after: self.retry_after,
        }
        .into()
    }
}

/// Whether a rejection holds for as long as the negative TTL: all do but
/// those that the passing of time may lift.
fn is_lasting(reason: InvalidToken) -> bool {
    !matches!(reason, InvalidToken::NotYetValid | InvalidToken::IssuedInFuture)
}

impl fmt::Debug for IntrospectionValidator {
    /// Shows the configuration; the client secret is redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &*self.config;
        f.debug_struct("IntrospectionValidator")
            .field("endpoint", &config.endpoint)
            .field("rules", &config.rules)
            .field("jwt_answers", &config.jwt_answers)
            .field("policy", &config.policy)
            .field("cache", &config.cache)
            .field("retry_after", &config.retry_after)
            .field("in_flight", &config.in_flight)
            .finish()
    }
}

impl TokenValidator for IntrospectionValidator {
    fn validate(&self, token: &str) -> impl Future<Output = Result<Principal, AuthError>> + Send {
        Self::validate(self, token)
    }
}
