//! Configuring a [`TokenExchanger`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use super::cache::{ExchangeCache, MAX_REFUSAL_TTL};
use super::exchanger::{Config, Endpoint, HttpEndpoint, Target};
use super::token_endpoint::TokenEndpoint;
use super::{TokenExchanger, TokenExchangerConfigError, TokenExchangerConfigProblem};
use crate::GrantedScopes;
use crate::validation::introspection::ClientAuthentication;
use crate::validation::introspection::client_auth::ClientCredentials;
use crate::validation::introspection::single_flight::SingleFlight;
use crate::validation::keys::HttpFetchSettings;
use crate::validation::keys::remote::discovery::Discovery;

/// How many exchanged tokens the cache holds by default.
pub const DEFAULT_EXCHANGE_CACHE_CAPACITY: usize = 10_000;

/// The `Retry-After` of a 503 while the token endpoint fails, by default.
pub const DEFAULT_EXCHANGE_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Builds a [`TokenExchanger`]; [`build`](Self::build) reports every
/// problem at once.
///
/// Exactly one token endpoint: [`token_endpoint`](Self::token_endpoint)
/// (a URL), [`discover`](Self::discover) (the `token_endpoint` of the
/// issuer's metadata, fetched at the first exchange and again until found),
/// or [`endpoint`](Self::endpoint) (in process). An HTTP endpoint needs
/// the resource server's [`client_credentials`](Self::client_credentials).
#[must_use]
pub struct TokenExchangerBuilder {
    token_endpoint: Vec<EndpointChoice>,
    client_id: Option<String>,
    client_secret: Option<String>,
    authentication: ClientAuthentication,
    audience: Option<String>,
    resource: Option<String>,
    requested_token_type: Option<String>,
    scopes: Option<String>,
    cache_capacity: Option<usize>,
    refusal_ttl: Duration,
    retry_after: Duration,
    http: HttpFetchSettings,
}

enum EndpointChoice {
    Url(String),
    Discover(String),
    InProcess(Arc<dyn TokenEndpoint>),
}

impl Default for TokenExchangerBuilder {
    fn default() -> Self {
        Self {
            token_endpoint: Vec::new(),
            client_id: None,
            client_secret: None,
            authentication: ClientAuthentication::default(),
            audience: None,
            resource: None,
            requested_token_type: None,
            scopes: None,
            cache_capacity: Some(DEFAULT_EXCHANGE_CACHE_CAPACITY),
            refusal_ttl: MAX_REFUSAL_TTL,
            retry_after: DEFAULT_EXCHANGE_RETRY_AFTER,
            http: HttpFetchSettings::for_introspection(),
        }
    }
}

impl TokenExchangerBuilder {
    /// The authorization server's token endpoint.
    pub fn token_endpoint(mut self, url: impl Into<String>) -> Self {
        self.token_endpoint.push(EndpointChoice::Url(url.into()));
        self
    }

    /// Finds the token endpoint in `issuer`'s metadata (OpenID Connect
    /// Discovery, then RFC 8414): its `token_endpoint`, the document's
    /// `issuer` equal to `issuer`.
    pub fn discover(mut self, issuer: impl Into<String>) -> Self {
        self.token_endpoint.push(EndpointChoice::Discover(issuer.into()));
        self
    }

    /// Sends token requests to `endpoint`, in process, instead of over HTTP
    /// (client credentials are then not used).
    pub fn endpoint(mut self, endpoint: impl TokenEndpoint) -> Self {
        self.token_endpoint
            .push(EndpointChoice::InProcess(Arc::new(endpoint)));
        self
    }

    /// The resource server's credentials at the authorization server.
    pub fn client_credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self.client_secret = Some(secret.into());
        self
    }

    /// How the credentials are sent (default `client_secret_basic`).
    pub fn client_authentication(mut self, authentication: ClientAuthentication) -> Self {
        self.authentication = authentication;
        self
    }

    /// The `audience` parameter: the logical name of the downstream API.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// The `resource` parameter: the URI of the downstream API (RFC 8707).
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// The `requested_token_type` parameter, such as
    /// `urn:ietf:params:oauth:token-type:access_token` (default: not sent).
    pub fn requested_token_type(mut self, token_type: impl Into<String>) -> Self {
        self.requested_token_type = Some(token_type.into());
        self
    }

    /// The scopes to ask for, space-delimited (default: none, and the
    /// authorization server decides). Each must be covered by the caller's
    /// own scopes, or the exchange is refused before any call.
    pub fn scopes(mut self, scopes: impl Into<String>) -> Self {
        self.scopes = Some(scopes.into());
        self
    }

    /// Bounds the cache to `capacity` tokens (default 10 000).
    pub fn cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = Some(capacity);
        self
    }

    /// Asks the authorization server on every exchange. Concurrent
    /// exchanges of one key still share one call.
    pub fn without_cache(mut self) -> Self {
        self.cache_capacity = None;
        self
    }

    /// How long an `invalid_grant` or `invalid_target` refusal is remembered
    /// (default and at most 10 s); zero remembers none.
    pub fn refusal_ttl(mut self, ttl: Duration) -> Self {
        self.refusal_ttl = ttl;
        self
    }

    /// The `Retry-After` of the 503 answered while the token endpoint fails
    /// (default 5 s).
    pub fn retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }

    crate::validation::keys::remote::http_settings::http_fetch_setters!(for_introspection);

    /// Checks the configuration and builds the exchanger.
    pub fn build(self) -> Result<TokenExchanger, TokenExchangerConfigError> {
        use TokenExchangerConfigProblem as Problem;
        let mut problems = Vec::new();
        let scopes = match self.scopes.as_deref().map(GrantedScopes::from_space_delimited) {
            None => GrantedScopes::empty(),
            Some(Ok(scopes)) => scopes,
            Some(Err(error)) => {
                problems.push(Problem::InvalidScopes(error));
                GrantedScopes::empty()
            }
        };
        for (setting, value) in [
            ("audience", &self.audience),
            ("resource", &self.resource),
            ("requested_token_type", &self.requested_token_type),
        ] {
            if value.as_deref().is_some_and(str::is_empty) {
                problems.push(Problem::Empty { setting });
            }
        }
        if self.refusal_ttl > MAX_REFUSAL_TTL {
            problems.push(Problem::RefusalTtlTooLong);
        }
        if self.retry_after.is_zero() {
            problems.push(Problem::ZeroDuration {
                setting: "retry_after",
            });
        }
        if self.cache_capacity == Some(0) {
            problems.push(Problem::EmptyCache);
        }
        let endpoint = match self.token_endpoint.len() {
            0 => {
                problems.push(Problem::NoTokenEndpoint);
                None
            }
            1 => self.endpoint_of(&mut problems),
            _ => {
                problems.push(Problem::SeveralTokenEndpoints);
                None
            }
        };
        match endpoint {
            Some(endpoint) if problems.is_empty() => Ok(TokenExchanger::from_config(Config {
                endpoint,
                audience: self.audience.map(Into::into),
                resource: self.resource.map(Into::into),
                requested_token_type: self.requested_token_type.map(Into::into),
                scopes,
                cache: self
                    .cache_capacity
                    .map(|capacity| ExchangeCache::new(capacity, self.refusal_ttl)),
                in_flight: SingleFlight::default(),
                retry_after: self.retry_after,
            })),
            _ => Err(TokenExchangerConfigError { problems }),
        }
    }

    fn endpoint_of(&self, problems: &mut Vec<TokenExchangerConfigProblem>) -> Option<Endpoint> {
        use TokenExchangerConfigProblem as Problem;
        let target = match self.token_endpoint.first()? {
            EndpointChoice::InProcess(endpoint) => return Some(Endpoint::InProcess(Arc::clone(endpoint))),
            EndpointChoice::Url(url) => match Url::parse(url) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
                    Some(Target::Given(url))
                }
                _ => {
                    problems.push(Problem::InvalidTokenEndpoint);
                    None
                }
            },
            EndpointChoice::Discover(issuer) => {
                if let Ok(discovery) = Discovery::new(issuer) {
                    Some(Target::Discovered {
                        discovery: Box::new(discovery),
                        url: tokio::sync::OnceCell::new(),
                    })
                } else {
                    problems.push(Problem::InvalidIssuer);
                    None
                }
            }
        };
        let credentials = if let (Some(id), Some(secret)) = (&self.client_id, &self.client_secret) {
            if id.is_empty() {
                problems.push(Problem::EmptyClientId);
            }
            if secret.is_empty() {
                problems.push(Problem::EmptyClientSecret);
            }
            Some(ClientCredentials::new(
                id.clone(),
                secret.clone(),
                self.authentication,
            ))
        } else {
            problems.push(Problem::NoClientCredentials);
            None
        };
        let http = self.http.clone().into_http(problems);
        Some(Endpoint::Http(Box::new(HttpEndpoint {
            target: target?,
            http: http?,
            credentials: credentials?,
        })))
    }
}

impl fmt::Debug for TokenExchangerBuilder {
    /// Shows the configuration; the client secret is redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenExchangerBuilder")
            .field("endpoints", &self.token_endpoint.len())
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("authentication", &self.authentication)
            .field("audience", &self.audience)
            .field("resource", &self.resource)
            .field("requested_token_type", &self.requested_token_type)
            .field("scopes", &self.scopes)
            .field("cache_capacity", &self.cache_capacity)
            .field("refusal_ttl", &self.refusal_ttl)
            .field("retry_after", &self.retry_after)
            .field("http", &self.http)
            .finish()
    }
}
