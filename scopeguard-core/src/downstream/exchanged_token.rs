//! A token obtained by exchange.

use std::fmt;
use std::sync::Arc;

use http::HeaderValue;

use crate::GrantedScopes;

/// A token the authorization server issued in exchange for the caller's
/// (RFC 8693 §2.2.1). Cloning is cheap.
///
/// [`Debug`](fmt::Debug) never shows the token.
#[derive(Clone)]
pub struct ExchangedToken {
    inner: Arc<Inner>,
}

struct Inner {
    access_token: Box<str>,
    issued_token_type: Box<str>,
    token_type: Box<str>,
    scope: Option<GrantedScopes>,
    expires_at: Option<u64>,
}

impl ExchangedToken {
    pub(crate) fn new(
        access_token: String,
        issued_token_type: String,
        token_type: String,
        scope: Option<GrantedScopes>,
        expires_at: Option<u64>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                access_token: access_token.into(),
                issued_token_type: issued_token_type.into(),
                token_type: token_type.into(),
                scope,
                expires_at,
            }),
        }
    }

    /// The token, to send to the downstream API. Keep it out of logs.
    pub fn access_token(&self) -> &str {
        &self.inner.access_token
    }

    /// `issued_token_type`, such as
    /// `urn:ietf:params:oauth:token-type:access_token`.
    pub fn issued_token_type(&self) -> &str {
        &self.inner.issued_token_type
    }

    /// `token_type`, such as `Bearer`.
    pub fn token_type(&self) -> &str {
        &self.inner.token_type
    }

    /// The scopes the answer says the token grants; `None` when it named
    /// none, which means the scopes asked for (RFC 8693 §2.2.1).
    pub fn scope(&self) -> Option<&GrantedScopes> {
        self.inner.scope.as_ref()
    }

    /// When the token expires, in seconds since the Unix epoch, from the
    /// answer's `expires_in`, when it had one.
    pub fn expires_at(&self) -> Option<u64> {
        self.inner.expires_at
    }

    /// The `Authorization` value that sends it: `Bearer <token>`, marked
    /// sensitive so that HTTP clients keep it out of their logs.
    pub fn authorization(&self) -> HeaderValue {
        super::forward::bearer_value(self.access_token())
    }
}

impl fmt::Debug for ExchangedToken {
    /// Shows everything but the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExchangedToken")
            .field("access_token", &"<redacted>")
            .field("issued_token_type", &self.inner.issued_token_type)
            .field("token_type", &self.inner.token_type)
            .field("scope", &self.inner.scope)
            .field("expires_at", &self.inner.expires_at)
            .finish()
    }
}
