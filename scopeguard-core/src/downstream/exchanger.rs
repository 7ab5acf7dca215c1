//! The token exchanger (RFC 8693, SPEC §3.8): the caller's token for one
//! with fewer scopes, same user, same expiry.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use tokio::sync::OnceCell;

use super::answer::{self, Issued};
use super::cache::{CacheKey, ExchangeCache, Outcome};
use super::error::{ExchangeError, ExchangeErrorKind};
use super::exchanged_token::ExchangedToken;
use super::forward::missing_token;
use super::narrowing::uncovered;
use super::token_endpoint::TokenEndpoint;
use super::{ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, TokenExchangerBuilder};
use crate::validation::introspection::answer_cache::TokenHash;
use crate::validation::introspection::client_auth::ClientCredentials;
use crate::validation::introspection::single_flight::SingleFlight;
use crate::validation::keys::remote::discovery::Discovery;
use crate::validation::keys::remote::fetch::{Causes, Http};
use crate::validation::principal::unix_now;
use crate::{GrantedScopes, Principal};

/// Exchanges callers' tokens at the authorization server for tokens with
/// only the scopes a downstream API needs (RFC 8693, SPEC §3.8).
///
/// Before any call it checks that the caller's own scopes cover every scope
/// asked for (SPEC §2.3): asking for more never reaches the authorization
/// server. It checks the answer (200 JSON with `access_token`,
/// `issued_token_type` and `token_type`; a `scope` broader than the one
/// asked for is refused), keeps tokens in a cache keyed by the caller's
/// token and what was asked for, and makes one call per key at a time.
/// Tokens are never logged. Cloning is cheap and shares the cache.
///
/// ```no_run
/// use scopeguard_core::Principal;
/// use scopeguard_core::downstream::{ExchangeError, TokenExchanger};
///
/// # async fn run(principal: Principal) -> Result<(), Box<dyn std::error::Error>> {
/// let exchanger = TokenExchanger::builder()
///     .discover("https://idp.example.com")
///     .client_credentials("orders-api", "secret")
///     .audience("https://shipping.example.com")
///     .scopes("order:shipping")
///     .build()?;
///
/// let token = exchanger.exchange(&principal).await?;
/// let answer = reqwest::Client::new()
///     .get("https://shipping.example.com/shipping/42")
///     .header("authorization", token.authorization())
///     .send()
///     .await?;
/// # let _ = answer;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct TokenExchanger {
    config: Arc<Config>,
}

pub(super) struct Config {
    pub(super) endpoint: Endpoint,
    pub(super) audience: Option<Arc<str>>,
    pub(super) resource: Option<Arc<str>>,
    pub(super) requested_token_type: Option<Arc<str>>,
    pub(super) scopes: GrantedScopes,
    pub(super) cache: Option<ExchangeCache>,
    pub(super) in_flight: SingleFlight<CacheKey, Outcome>,
    pub(super) retry_after: Duration,
}

/// Where token requests go.
pub(super) enum Endpoint {
    Http(Box<HttpEndpoint>),
    InProcess(Arc<dyn TokenEndpoint>),
}

/// The token endpoint over HTTP, and the client's credentials there.
pub(super) struct HttpEndpoint {
    pub(super) target: Target,
    pub(super) http: Http,
    pub(super) credentials: ClientCredentials,
}

/// The token endpoint's URL: given, or found once by discovery (a failed
/// discovery is tried again by the next exchange).
pub(super) enum Target {
    Given(Url),
    Discovered {
        discovery: Box<Discovery>,
        url: OnceCell<Url>,
    },
}

impl TokenExchanger {
    /// A builder; see [`TokenExchangerBuilder`].
    pub fn builder() -> TokenExchangerBuilder {
        TokenExchangerBuilder::default()
    }

    pub(super) fn from_config(config: Config) -> Self {
        Self {
            config: Arc::new(config),
        }
    }

    /// The scopes asked for by [`exchange`](Self::exchange).
    pub fn scopes(&self) -> &GrantedScopes {
        &self.config.scopes
    }

    /// Exchanges the caller's token for one with the configured scopes.
    pub async fn exchange(&self, principal: &Principal) -> Result<ExchangedToken, ExchangeError> {
        self.exchange_for(principal, &self.config.scopes).await
    }

    /// Exchanges the caller's token for one with `scopes` (instead of the
    /// configured ones; empty asks for none, and the authorization server
    /// decides).
    ///
    /// Every failure is a `tracing` event with its label; the tokens never
    /// are.
    pub async fn exchange_for(
        &self,
        principal: &Principal,
        scopes: &GrantedScopes,
    ) -> Result<ExchangedToken, ExchangeError> {
        let Some(subject) = principal.access_token() else {
            return Err(missing_token(principal));
        };
        let requested = scopes.as_space_delimited();
        let fail = |kind: ExchangeErrorKind| {
            ExchangeError::new(kind, Some(requested.to_owned()), self.config.retry_after)
                .rendered_by(principal.denial_renderer())
        };
        if let Some(uncovered) = uncovered(principal.policy(), principal.scopes(), scopes) {
            tracing::info!(
                reason = "exchange_scope_not_covered",
                requested,
                uncovered = %uncovered,
                "token exchange not attempted: the caller's scopes do not cover the scopes asked for"
            );
            return Err(fail(ExchangeErrorKind::NotCovered { uncovered }));
        }
        let config = &*self.config;
        let key = CacheKey {
            subject: TokenHash::of(subject),
            audience: config.audience.clone(),
            resource: config.resource.clone(),
            scopes: requested.into(),
            requested_token_type: config.requested_token_type.clone(),
        };
        let cached = config
            .cache
            .as_ref()
            .and_then(|cache| cache.get(&key, unix_now()));
        let outcome = match cached {
            Some(outcome) => outcome,
            None => {
                config
                    .in_flight
                    .run(key.clone(), || config.call(key, subject, principal, scopes))
                    .await
            }
        };
        outcome.map_err(fail)
    }
}

impl Config {
    /// One exchange at the endpoint, checked, and remembered as the cache
    /// rules say.
    async fn call(
        &self,
        key: CacheKey,
        subject: &str,
        principal: &Principal,
        scopes: &GrantedScopes,
    ) -> Outcome {
        let now = unix_now();
        // An exchange that ended between the cache lookup and joining the
        // calls under way has left its answer here.
        if let Some(outcome) = self.cache.as_ref().and_then(|cache| cache.get(&key, now)) {
            return outcome;
        }
        let mut form = vec![
            ("grant_type", TOKEN_EXCHANGE_GRANT),
            ("subject_token", subject),
            ("subject_token_type", ACCESS_TOKEN_TYPE),
        ];
        if !scopes.is_empty() {
            form.push(("scope", scopes.as_space_delimited()));
        }
        for (name, value) in [
            ("audience", &self.audience),
            ("resource", &self.resource),
            ("requested_token_type", &self.requested_token_type),
        ] {
            if let Some(value) = value {
                form.push((name, value));
            }
        }
        let (status, body) = self.endpoint.post(&form).await?;
        let issued = match answer::read(status, &body) {
            Ok(issued) => issued,
            Err(kind) => {
                log_failure(&kind, status);
                if let (ExchangeErrorKind::Refused { error }, Some(cache)) = (&kind, &self.cache) {
                    cache.refuse(key, error);
                }
                return Err(kind);
            }
        };
        // The answer's scope, when it names one, must be covered by what
        // was asked for; asking for nothing, by the caller's own scopes.
        let bound = if scopes.is_empty() {
            principal.scopes()
        } else {
            scopes
        };
        if let Some(granted) = &issued.scope
            && let Some(extra) = uncovered(principal.policy(), bound, granted)
        {
            tracing::warn!(
                reason = ExchangeErrorKind::BroaderScope.label(),
                extra = %extra,
                "token exchange answer refused: broader scope than asked for"
            );
            return Err(ExchangeErrorKind::BroaderScope);
        }
        let token = issued_token(issued, now);
        if let Some(cache) = &self.cache {
            cache.accept(key, &token, principal.exp(), now);
        }
        tracing::debug!(scope = scopes.as_space_delimited(), "token exchanged");
        Ok(token)
    }
}

/// Logs an answer that gave no token: a refusal at info level with its
/// OAuth error, anything else at warn level.
fn log_failure(kind: &ExchangeErrorKind, status: u16) {
    if let ExchangeErrorKind::Refused { error } = kind
        && matches!(error.as_str(), "invalid_client" | "unauthorized_client")
    {
        tracing::warn!(
            reason = kind.label(),
            status,
            error = %error,
            "the authorization server refused this service's client for token exchange: check its credentials and grants"
        );
    } else if let ExchangeErrorKind::Refused { error } = kind {
        tracing::info!(
            reason = kind.label(),
            status,
            error = %error,
            "the authorization server refused the token exchange"
        );
    } else {
        tracing::warn!(
            reason = kind.label(),
            status,
            "the token endpoint's answer is not usable"
        );
    }
}

fn issued_token(issued: Issued, now: u64) -> ExchangedToken {
    ExchangedToken::new(
        issued.access_token,
        issued.issued_token_type,
        issued.token_type,
        issued.scope,
        issued.expires_in.map(|seconds| now.saturating_add(seconds)),
    )
}

impl Endpoint {
    /// Posts the form: the answer's status and body, or why there is none
    /// (logged).
    async fn post(&self, form: &[(&str, &str)]) -> Result<(u16, Vec<u8>), ExchangeErrorKind> {
        let unavailable = |cause: &dyn fmt::Display| {
            tracing::warn!(
                reason = ExchangeErrorKind::Unavailable.label(),
                cause = %cause,
                "token exchange failed"
            );
            ExchangeErrorKind::Unavailable
        };
        match self {
            Self::InProcess(endpoint) => match endpoint.answer(form).await {
                Ok(answer) if answer.status >= 500 => Err(unavailable(&format_args!(
                    "the token endpoint answered {}",
                    answer.status
                ))),
                Ok(answer) => Ok((answer.status, answer.body)),
                Err(error) => Err(unavailable(&error)),
            },
            Self::Http(endpoint) => {
                let HttpEndpoint {
                    target,
                    http,
                    credentials,
                } = &**endpoint;
                let url = target
                    .url(http)
                    .await
                    .map_err(|error| unavailable(&Causes(&error)))?;
                let request = credentials.form_post(&http.client, url, form, "application/json");
                let document = http
                    .send_accepting_client_errors(url, request)
                    .await
                    .map_err(|error| unavailable(&Causes(&error)))?;
                Ok((document.status.as_u16(), document.body))
            }
        }
    }
}

impl Target {
    async fn url(&self, http: &Http) -> Result<&Url, crate::validation::keys::remote::fetch::FetchError> {
        match self {
            Self::Given(url) => Ok(url),
            Self::Discovered { discovery, url } => {
                url.get_or_try_init(|| discovery.token_endpoint(http)).await
            }
        }
    }
}

impl fmt::Debug for TokenExchanger {
    /// Shows the configuration; the client secret is redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &*self.config;
        let (endpoint, credentials) = match &config.endpoint {
            Endpoint::Http(http) => match &http.target {
                Target::Given(url) => (url.as_str().to_owned(), Some(&http.credentials)),
                Target::Discovered { discovery, .. } => (
                    format!("discovered from {}", discovery.issuer()),
                    Some(&http.credentials),
                ),
            },
            Endpoint::InProcess(_) => ("in process".to_owned(), None),
        };
        f.debug_struct("TokenExchanger")
            .field("endpoint", &endpoint)
            .field("credentials", &credentials)
            .field("audience", &config.audience)
            .field("resource", &config.resource)
            .field("requested_token_type", &config.requested_token_type)
            .field("scopes", &config.scopes)
            .field("cache", &config.cache)
            .field("retry_after", &config.retry_after)
            .finish()
    }
}
