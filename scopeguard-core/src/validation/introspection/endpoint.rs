//! The introspection endpoint: where the token is posted.

use std::fmt;

use reqwest::Url;

use super::client_auth::ClientCredentials;
use crate::validation::keys::remote::fetch::{FetchError, Http};

/// The endpoint, the HTTP settings and the client credentials.
pub(super) struct Endpoint {
    pub(super) url: Url,
    pub(super) http: Http,
    pub(super) credentials: ClientCredentials,
    /// The media type asked for: `application/json`, or
    /// `application/token-introspection+jwt` for signed answers.
    pub(super) accept: &'static str,
}

impl Endpoint {
    /// Posts `token` and reads the answer's body: a 2xx answer within the
    /// timeout and the size limit, or why not. The token travels in the
    /// request body only, never in the URL or in an error.
    pub(super) async fn introspect(&self, token: &str) -> Result<Vec<u8>, FetchError> {
        let request = self
            .credentials
            .request(&self.http.client, &self.url, token, self.accept);
        let document = self.http.send(&self.url, request).await?;
        Ok(document.body)
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &self.url.as_str())
            .field("timeout", &self.http.timeout)
            .field("max_body_size", &self.http.max_body_size)
            .field("credentials", &self.credentials)
            .field("accept", &self.accept)
            .finish_non_exhaustive()
    }
}
