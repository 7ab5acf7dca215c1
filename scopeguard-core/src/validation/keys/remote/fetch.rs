//! One bounded HTTP exchange, the way every document of a remote key source
//! (and every introspection answer) is fetched: a total deadline, a 2xx
//! status, no redirect to another origin, and a body read chunk by chunk up
//! to a size limit.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderMap};
use reqwest::{Client, RequestBuilder, StatusCode, Url};

/// How documents are fetched.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    pub(crate) client: Client,
    /// The deadline of a whole fetch: connecting, the answer and its body.
    pub(crate) timeout: Duration,
    /// The largest body accepted, in bytes.
    pub(crate) max_body_size: usize,
}

/// A document fetched with a 2xx status (or a 4xx one, for
/// [`Http::send_accepting_client_errors`]).
#[derive(Debug)]
pub(crate) struct Document {
    #[cfg_attr(
        not(feature = "token-exchange"),
        allow(dead_code, reason = "read by token exchange")
    )]
    pub(crate) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// Why a fetch failed. URLs are logged; a request body (such as an
/// introspected token) never appears in one.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub(crate) struct FetchError(Box<Failure>);

impl From<Failure> for FetchError {
    fn from(failure: Failure) -> Self {
        Self(Box::new(failure))
    }
}

/// The ways a fetch fails.
#[derive(Debug, thiserror::Error)]
pub(super) enum Failure {
    /// No answer: connection refused, TLS failure, reset.
    #[error("the request to {url} failed")]
    Request {
        url: Url,
        #[source]
        source: reqwest::Error,
    },
    /// The whole fetch took longer than the timeout.
    #[error("{url} did not answer within {timeout:?}")]
    TimedOut { url: Url, timeout: Duration },
    /// A 3xx answer: redirects are not followed.
    #[error("{url} answered {status}: redirects are not followed")]
    Redirect { url: Url, status: StatusCode },
    /// An injected client followed a redirect to another origin.
    #[error("{url} was redirected to another origin ({to})")]
    Redirected { url: Url, to: Url },
    /// A 4xx or 5xx answer (429 and 503 included).
    #[error("{url} answered {status}")]
    Status { url: Url, status: StatusCode },
    /// The body is larger than the limit.
    #[error("the answer of {url} is larger than {limit} bytes")]
    TooLarge { url: Url, limit: usize },
    /// The body could not be read to its end.
    #[error("reading the answer of {url} failed")]
    Body {
        url: Url,
        #[source]
        source: reqwest::Error,
    },
    /// The body is not a JWK set document.
    #[error("the answer of {url} is not a JWK set")]
    NotAKeySet { url: Url },
    /// The body is not an authorization server metadata document.
    #[error("the answer of {url} is not a discovery document")]
    NotADiscoveryDocument { url: Url },
    /// The discovery document names another issuer.
    #[error("the discovery document at {url} names the issuer {found:?}, not {expected:?}")]
    IssuerMismatch {
        url: Url,
        expected: String,
        found: String,
    },
    /// The discovery document has no `jwks_uri`, or not an http(s) URL.
    #[error("the discovery document at {url} has no usable `jwks_uri`")]
    NoJwksUri { url: Url },
    /// The discovery document has no `token_endpoint`, or not an http(s) URL.
    #[error("the discovery document at {url} has no usable `token_endpoint`")]
    #[cfg(feature = "token-exchange")]
    NoTokenEndpoint { url: Url },
    /// Both discovery documents failed.
    #[error(
        "OpenID discovery failed ({}); RFC 8414 discovery failed ({})",
        Causes(.openid),
        Causes(.oauth)
    )]
    Discovery { openid: FetchError, oauth: FetchError },
}

impl Http {
    /// Fetches `url` within the timeout.
    pub(super) async fn get(&self, url: &Url) -> Result<Document, FetchError> {
        let request = self.client.get(url.clone()).header(ACCEPT, "application/json");
        self.send(url, request).await
    }

    /// Sends `request`, made with this client for `url`, and reads the
    /// answer within the timeout and the size limit.
    pub(crate) async fn send(&self, url: &Url, request: RequestBuilder) -> Result<Document, FetchError> {
        self.send_within_deadline(url, request, false).await
    }

    /// As [`send`](Self::send), but a 4xx answer is read too: OAuth
    /// endpoints answer a refusal with a 400 and a JSON error (RFC 6749
    /// §5.2). 3xx and 5xx answers are still failures.
    #[cfg(feature = "token-exchange")]
    pub(crate) async fn send_accepting_client_errors(
        &self,
        url: &Url,
        request: RequestBuilder,
    ) -> Result<Document, FetchError> {
        self.send_within_deadline(url, request, true).await
    }

    async fn send_within_deadline(
        &self,
        url: &Url,
        request: RequestBuilder,
        client_errors: bool,
    ) -> Result<Document, FetchError> {
        match tokio::time::timeout(self.timeout, self.read(url, request, client_errors)).await {
            Ok(result) => result.map_err(FetchError::from),
            Err(_) => Err(Failure::TimedOut {
                url: url.clone(),
                timeout: self.timeout,
            }
            .into()),
        }
    }

    async fn read(
        &self,
        url: &Url,
        request: RequestBuilder,
        client_errors: bool,
    ) -> Result<Document, Failure> {
        let mut response = request
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|source| Failure::Request {
                url: url.clone(),
                source: source.without_url(),
            })?;
        let status = response.status();
        if status.is_redirection() {
            return Err(Failure::Redirect {
                url: url.clone(),
                status,
            });
        }
        if !(status.is_success() || client_errors && status.is_client_error()) {
            return Err(Failure::Status {
                url: url.clone(),
                status,
            });
        }
        if !same_origin(response.url(), url) {
            return Err(Failure::Redirected {
                url: url.clone(),
                to: response.url().clone(),
            });
        }
        let too_large = || Failure::TooLarge {
            url: url.clone(),
            limit: self.max_body_size,
        };
        if response
            .content_length()
            .is_some_and(|length| usize::try_from(length).map_or(true, |length| length > self.max_body_size))
        {
            return Err(too_large());
        }
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|source| Failure::Body {
            url: url.clone(),
            source: source.without_url(),
        })? {
            if chunk.len() > self.max_body_size - body.len() {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Document {
            status,
            headers,
            body,
        })
    }
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host() == b.host() && a.port_or_known_default() == b.port_or_known_default()
}

/// Displays an error with its chain of causes, for logs.
pub(crate) struct Causes<'a>(pub(crate) &'a (dyn Error + 'static));

impl fmt::Display for Causes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}
