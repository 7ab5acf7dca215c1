//! Why a call to another API on the caller's behalf cannot be made, and the
//! SPEC §4 answer that says so.
//!
//! [`ExchangeError`] carries what went wrong ([`ExchangeErrorKind`], to
//! match on) and the renderer of the authentication layer that admitted the
//! caller, so that the adapters answer it with the same realm and body as
//! every other denial: `?` in a handler returning the adapter's
//! `AuthRejection` turns it into a response.
//!
//! | kind | status | answer |
//! | --- | --- | --- |
//! | [`NotCovered`](ExchangeErrorKind::NotCovered), [`Refused`](ExchangeErrorKind::Refused) | 403 | `insufficient_scope`, `scope` = the scopes asked for |
//! | [`Unavailable`](ExchangeErrorKind::Unavailable), [`MalformedAnswer`](ExchangeErrorKind::MalformedAnswer), [`BroaderScope`](ExchangeErrorKind::BroaderScope) | 503 | `temporarily_unavailable`, `Retry-After` |
//! | [`MissingAccessToken`](ExchangeErrorKind::MissingAccessToken) | 500 | `server_error`, logged at error level |

use std::fmt;
use std::time::Duration;

use crate::AuthError;
use crate::error::{DenialRenderer, Misconfiguration, Unavailable};
use crate::request::Denial;

/// What went wrong with a forward or an exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExchangeErrorKind {
    /// The principal carries no access token: it was not built by a
    /// validator of this crate (500).
    MissingAccessToken,
    /// The scopes asked for are not all covered by the caller's own scopes
    /// under the policy (SPEC §2.3): the authorization server was not asked
    /// (403).
    NotCovered {
        /// The scopes asked for that the caller's scopes do not cover,
        /// space-delimited.
        uncovered: String,
    },
    /// The authorization server refused the exchange with an OAuth error
    /// (RFC 6749 §5.2), such as `invalid_grant`, `invalid_target` or
    /// `invalid_scope` (403).
    Refused {
        /// The OAuth `error` code of the answer (`invalid_request` when the
        /// answer named none usable).
        error: String,
    },
    /// The authorization server answered with a `scope` broader than the
    /// one asked for: the token is not used (503).
    BroaderScope,
    /// The answer is not a usable token answer: not JSON, or missing
    /// `access_token`, `issued_token_type` or `token_type` (503).
    MalformedAnswer,
    /// The authorization server is unreachable, too slow, or answered with
    /// a server error; or its token endpoint could not be discovered (503).
    Unavailable,
}

impl ExchangeErrorKind {
    /// A stable label, for logs and metrics.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::MissingAccessToken => "missing_access_token",
            Self::NotCovered { .. } => "exchange_scope_not_covered",
            Self::Refused { .. } => "exchange_refused",
            Self::BroaderScope => "exchange_broader_scope",
            Self::MalformedAnswer => "exchange_malformed_answer",
            Self::Unavailable => "token_exchange_unavailable",
        }
    }

    /// Whether the authorization server is to blame and a later attempt may
    /// succeed: the 503 answers.
    pub const fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Self::BroaderScope | Self::MalformedAnswer | Self::Unavailable
        )
    }
}

impl fmt::Display for ExchangeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingAccessToken => f.write_str("the principal carries no access token"),
            Self::NotCovered { uncovered } => {
                write!(f, "the caller's scopes do not cover {uncovered:?}")
            }
            Self::Refused { error } => write!(f, "the authorization server refused the exchange ({error})"),
            Self::BroaderScope => {
                f.write_str("the authorization server granted more scopes than were asked for")
            }
            Self::MalformedAnswer => f.write_str("the token endpoint's answer is malformed"),
            Self::Unavailable => f.write_str("the token endpoint is unavailable"),
        }
    }
}

/// A forward or an exchange that cannot be made: its [`kind`](Self::kind),
/// and how to answer the caller (SPEC §3.8, §4).
///
/// The adapters convert it into their `AuthRejection`, so a handler answers
/// it with `?`; [`auth_error`](Self::auth_error) is the plain
/// [`AuthError`] for other uses. Nothing in it holds a token.
#[derive(Debug, Clone)]
pub struct ExchangeError {
    kind: ExchangeErrorKind,
    /// The scopes asked for, for the 403 challenge's `scope` attribute.
    requested: Option<String>,
    retry_after: Duration,
    renderer: Option<DenialRenderer>,
}

impl ExchangeError {
    pub(crate) fn new(kind: ExchangeErrorKind, requested: Option<String>, retry_after: Duration) -> Self {
        Self {
            kind,
            requested,
            retry_after,
            renderer: None,
        }
    }

    /// Answers with `renderer` (that of the caller's authentication layer).
    #[must_use]
    pub(crate) fn rendered_by(mut self, renderer: Option<&DenialRenderer>) -> Self {
        self.renderer = renderer.cloned();
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ExchangeErrorKind {
        &self.kind
    }

    /// The stable label of the kind.
    pub fn label(&self) -> &'static str {
        self.kind.label()
    }

    /// The HTTP status of the answer: 403, 500 or 503.
    pub fn status(&self) -> u16 {
        self.auth_error().status()
    }

    /// When the caller may try again, for the 503 answers.
    pub fn retry_after(&self) -> Duration {
        self.retry_after
    }

    /// The SPEC §4 denial this error answers as.
    pub fn auth_error(&self) -> AuthError {
        match &self.kind {
            ExchangeErrorKind::MissingAccessToken => Misconfiguration::MissingAccessToken.into(),
            ExchangeErrorKind::NotCovered { .. } | ExchangeErrorKind::Refused { .. } => {
                AuthError::InsufficientScope {
                    scope: self.requested.clone().filter(|scope| !scope.is_empty()),
                }
            }
            ExchangeErrorKind::BroaderScope
            | ExchangeErrorKind::MalformedAnswer
            | ExchangeErrorKind::Unavailable => Unavailable::TokenExchange {
                retry_after: self.retry_after,
            }
            .into(),
        }
    }

    /// The denial to answer with, rendered like the caller's other denials:
    /// what the adapters turn into a response.
    pub fn into_denial(self) -> Denial {
        Denial::new(self.auth_error(), self.renderer.unwrap_or_default())
    }
}

impl fmt::Display for ExchangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)
    }
}

impl std::error::Error for ExchangeError {}

impl From<ExchangeError> for AuthError {
    fn from(error: ExchangeError) -> Self {
        error.auth_error()
    }
}
