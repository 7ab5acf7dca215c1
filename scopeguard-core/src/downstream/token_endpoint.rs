//! Where exchanges are sent: the authorization server's token endpoint over
//! HTTP, or a [`TokenEndpoint`] of the program's own, such as the in-memory
//! one of the test kit (SPEC §8).

use std::error::Error;
use std::future::Future;
use std::pin::Pin;

/// The answer of a token endpoint: its status and its body.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenEndpointAnswer {
    /// The HTTP status (200 for an issued token, 400 for a refusal).
    pub status: u16,
    /// The JSON body.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for TokenEndpointAnswer {
    /// Shows the status and the body's length: a body may hold a token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenEndpointAnswer")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Why a token endpoint gave no answer; logged (never with a token), and
/// answered as 503.
pub type TokenEndpointFailure = Box<dyn Error + Send + Sync>;

/// The future of [`TokenEndpoint::answer`].
pub type TokenEndpointFuture<'a> =
    Pin<Box<dyn Future<Output = Result<TokenEndpointAnswer, TokenEndpointFailure>> + Send + 'a>>;

/// A token endpoint the exchanger calls in-process instead of over HTTP.
///
/// It receives the form parameters of the token request (RFC 8693 §2.1),
/// as they would be posted, and answers like the endpoint would. The test
/// kit's `TestIssuer` is one (with the `test-util` feature); a program may
/// bring its own, for instance to reach the authorization server through
/// its own client. Client authentication is the endpoint's own business.
pub trait TokenEndpoint: Send + Sync + 'static {
    /// Answers one token request.
    fn answer<'a>(&'a self, form: &'a [(&'a str, &'a str)]) -> TokenEndpointFuture<'a>;
}
