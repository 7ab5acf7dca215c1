//! What turns a bearer token into a [`Principal`] (SPEC §3).
//!
//! [`TokenValidator`] is the one trait the layers and extractors use; the
//! JWT validator and the introspection validator implement it, and so can a
//! user's own.
//!
//! ```
//! use scopeguard_core::error::InvalidToken;
//! use scopeguard_core::{AuthError, Principal, TokenValidator};
//!
//! /// Accepts one fixed token: a validator for a test.
//! struct OneToken;
//!
//! impl TokenValidator for OneToken {
//!     async fn validate(&self, token: &str) -> Result<Principal, AuthError> {
//!         if token == "let-me-in" {
//!             Ok(Principal::builder().sub("tester").build())
//!         } else {
//!             Err(InvalidToken::Malformed.into())
//!         }
//!     }
//! }
//! ```

use std::future::Future;
use std::sync::Arc;

use crate::{AuthError, Principal};

/// Validates a bearer token.
///
/// A validator answers with the [`Principal`] the token describes, or with
/// why it cannot: [`InvalidToken`](crate::error::InvalidToken) (401) or
/// [`Unavailable`](crate::error::Unavailable) (503, the token could not be
/// checked now).
pub trait TokenValidator: Send + Sync + 'static {
    /// Validates `token`, the credentials of one request.
    fn validate(&self, token: &str) -> impl Future<Output = Result<Principal, AuthError>> + Send;

    /// The principal of `token` if the validator knows it without waiting:
    /// a token it verified before whose verification still stands (a hit in
    /// the verified-token cache, SPEC §3.4). The authentication layers ask
    /// this first and call [`validate`](Self::validate) only on `None`.
    ///
    /// `token` is the token's bytes as the `Authorization` header holds
    /// them, before their encoding or b64token syntax is checked: it may
    /// answer `Some` only for the bytes of a token `validate` would accept
    /// now. The default knows no token.
    fn cached(&self, token: &[u8]) -> Option<Principal> {
        let _ = token;
        None
    }

    /// Validates a token [`cached`](Self::cached) has just not found, so a
    /// validator with a cache need not look again. The default is
    /// [`validate`](Self::validate).
    fn validate_uncached(&self, token: &str) -> impl Future<Output = Result<Principal, AuthError>> + Send {
        self.validate(token)
    }
}

impl<V: TokenValidator> TokenValidator for Arc<V> {
    fn validate(&self, token: &str) -> impl Future<Output = Result<Principal, AuthError>> + Send {
        V::validate(self, token)
    }

    fn cached(&self, token: &[u8]) -> Option<Principal> {
        V::cached(self, token)
    }

    fn validate_uncached(&self, token: &str) -> impl Future<Output = Result<Principal, AuthError>> + Send {
        V::validate_uncached(self, token)
    }
}
