//! Finding an issuer's JWKS URL through its metadata document (SPEC §3.3):
//! OpenID Connect Discovery first, then RFC 8414.
//!
//! The document's `issuer` must equal the configured issuer exactly, or the
//! document is refused: a document naming another issuer would hand this
//! issuer's tokens to someone else's keys.

use reqwest::Url;

use super::fetch::{Failure, FetchError, Http};

/// The metadata documents of one issuer.
#[derive(Debug, Clone)]
pub(crate) struct Discovery {
    issuer: String,
    /// `{issuer}/.well-known/openid-configuration`, the issuer's terminating
    /// `/` removed first (OpenID Connect Discovery §4).
    openid: Url,
    /// `/.well-known/oauth-authorization-server` inserted between the host and
    /// the path of the issuer, the path's terminating `/` removed first
    /// (RFC 8414 §3.1).
    oauth: Url,
}

/// Why an issuer cannot be discovered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IssuerProblem {
    /// Not an absolute http(s) URL with a host.
    NotAnHttpUrl,
    /// An issuer has no query or fragment (RFC 8414 §2).
    QueryOrFragment,
}

impl Discovery {
    /// The documents of `issuer`.
    pub(crate) fn new(issuer: &str) -> Result<Self, IssuerProblem> {
        let url = Url::parse(issuer).map_err(|_| IssuerProblem::NotAnHttpUrl)?;
        if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
            return Err(IssuerProblem::NotAnHttpUrl);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(IssuerProblem::QueryOrFragment);
        }
        let base = issuer.strip_suffix('/').unwrap_or(issuer);
        let openid = Url::parse(&format!("{base}/.well-known/openid-configuration"))
            .map_err(|_| IssuerProblem::NotAnHttpUrl)?;
        let mut oauth = url.clone();
        let path = url.path();
        let path = path.strip_suffix('/').unwrap_or(path);
        oauth.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
        Ok(Self {
            issuer: issuer.to_owned(),
            openid,
            oauth,
        })
    }

    /// The configured issuer.
    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Fetches the metadata, OpenID Connect first, and returns its `jwks_uri`.
    pub(super) async fn jwks_uri(&self, http: &Http) -> Result<Url, FetchError> {
        self.endpoint(http, Endpoint::JwksUri).await
    }

    /// Fetches the metadata, OpenID Connect first, and returns its
    /// `token_endpoint` (SPEC §3.8).
    #[cfg(feature = "token-exchange")]
    pub(crate) async fn token_endpoint(&self, http: &Http) -> Result<Url, FetchError> {
        self.endpoint(http, Endpoint::TokenEndpoint).await
    }

    async fn endpoint(&self, http: &Http, endpoint: Endpoint) -> Result<Url, FetchError> {
        let openid = match self.endpoint_from(http, &self.openid, endpoint).await {
            Ok(url) => return Ok(url),
            Err(error) => error,
        };
        tracing::debug!(
            issuer = %self.issuer,
            error = %openid,
            "no usable OpenID configuration, trying RFC 8414 metadata"
        );
        self.endpoint_from(http, &self.oauth, endpoint)
            .await
            .map_err(|oauth| Failure::Discovery { openid, oauth }.into())
    }

    async fn endpoint_from(&self, http: &Http, url: &Url, endpoint: Endpoint) -> Result<Url, FetchError> {
        #[derive(serde::Deserialize)]
        struct Metadata {
            issuer: String,
            jwks_uri: Option<String>,
            #[cfg(feature = "token-exchange")]
            token_endpoint: Option<String>,
        }
        let document = http.get(url).await?;
        let metadata: Metadata = serde_json::from_slice(&document.body)
            .map_err(|_| Failure::NotADiscoveryDocument { url: url.clone() })?;
        if metadata.issuer != self.issuer {
            return Err(Failure::IssuerMismatch {
                url: url.clone(),
                expected: self.issuer.clone(),
                found: metadata.issuer,
            }
            .into());
        }
        let (found, missing) = match endpoint {
            Endpoint::JwksUri => (metadata.jwks_uri, Failure::NoJwksUri { url: url.clone() }),
            #[cfg(feature = "token-exchange")]
            Endpoint::TokenEndpoint => (
                metadata.token_endpoint,
                Failure::NoTokenEndpoint { url: url.clone() },
            ),
        };
        found
            .and_then(|found| Url::parse(&found).ok())
            .filter(|found| matches!(found.scheme(), "http" | "https"))
            .ok_or_else(|| missing.into())
    }
}

/// The endpoint a discovery looks for.
#[derive(Debug, Clone, Copy)]
enum Endpoint {
    JwksUri,
    #[cfg(feature = "token-exchange")]
    TokenEndpoint,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(issuer: &str) -> (String, String) {
        let discovery = Discovery::new(issuer).unwrap();
        (discovery.openid.to_string(), discovery.oauth.to_string())
    }

    #[test]
    fn the_openid_document_is_appended_to_the_issuer() {
        assert_eq!(
            urls("https://idp.example.com").0,
            "https://idp.example.com/.well-known/openid-configuration"
        );
        assert_eq!(
            urls("https://idp.example.com/realms/shop/").0,
            "https://idp.example.com/realms/shop/.well-known/openid-configuration"
        );
    }

    #[test]
    fn the_rfc_8414_document_is_inserted_between_host_and_path() {
        assert_eq!(
            urls("https://idp.example.com/").1,
            "https://idp.example.com/.well-known/oauth-authorization-server"
        );
        assert_eq!(
            urls("https://idp.example.com:8443/issuer1").1,
            "https://idp.example.com:8443/.well-known/oauth-authorization-server/issuer1"
        );
    }

    #[test]
    fn the_terminating_slash_of_an_issuer_path_is_removed_first() {
        assert_eq!(
            urls("https://idp.example.com/realms/shop/"),
            (
                "https://idp.example.com/realms/shop/.well-known/openid-configuration".to_owned(),
                "https://idp.example.com/.well-known/oauth-authorization-server/realms/shop".to_owned()
            )
        );
        assert_eq!(
            urls("https://idp.example.com/realms/shop"),
            urls("https://idp.example.com/realms/shop/")
        );
        assert_eq!(urls("https://idp.example.com"), urls("https://idp.example.com/"));
    }

    #[test]
    fn an_issuer_must_be_an_http_url_without_query_or_fragment() {
        assert_eq!(
            Discovery::new("idp.example.com").err(),
            Some(IssuerProblem::NotAnHttpUrl)
        );
        assert_eq!(
            Discovery::new("ftp://idp.example.com").err(),
            Some(IssuerProblem::NotAnHttpUrl)
        );
        assert_eq!(
            Discovery::new("https://idp.example.com/?tenant=a").err(),
            Some(IssuerProblem::QueryOrFragment)
        );
        assert_eq!(
            Discovery::new("https://idp.example.com/#a").err(),
            Some(IssuerProblem::QueryOrFragment)
        );
    }
}
