//! Calling other APIs on the caller's behalf (SPEC §3.8), with feature
//! `token-exchange`.
//!
//! A resource server that calls another API for its caller either
//! **forwards** the caller's token, or **exchanges** it at the
//! authorization server (RFC 8693) for one with only the scopes that API
//! needs: same user, same expiry, fewer scopes.
//!
//! - Forward ([`forward`], [`forwarded_authorization`]) when the downstream
//!   API is part of the same trust boundary and accepts the same audience.
//! - Exchange ([`TokenExchanger`]) when it is less trusted, or expects its
//!   own audience: a leaked downstream token then grants only what that API
//!   needed.
//!
//! The caller's token comes from the [`Principal`](crate::Principal)
//! ([`Principal::access_token`](crate::Principal::access_token)), which the
//! validators of this crate fill in. With feature `reqwest-middleware`,
//! [`DownstreamAuth`] does either per request, reading the principal from
//! the request's extensions.
//!
//! Failures are [`ExchangeError`]s: match their [`ExchangeErrorKind`], or
//! let the adapters answer them (SPEC §4): 403 `insufficient_scope` when
//! the caller's scopes do not cover what is asked for or the authorization
//! server refuses, 503 `temporarily_unavailable` with `Retry-After` when it
//! fails. Tokens are never logged.

mod answer;
mod builder;
mod cache;
mod config_error;
mod error;
mod exchanged_token;
mod exchanger;
mod forward;
#[cfg(feature = "reqwest-middleware")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest-middleware")))]
mod middleware;
mod narrowing;
mod token_endpoint;

pub use builder::{DEFAULT_EXCHANGE_CACHE_CAPACITY, DEFAULT_EXCHANGE_RETRY_AFTER, TokenExchangerBuilder};
pub use cache::MAX_REFUSAL_TTL;
pub use config_error::{TokenExchangerConfigError, TokenExchangerConfigProblem};
pub use error::{ExchangeError, ExchangeErrorKind};
pub use exchanged_token::ExchangedToken;
pub use exchanger::TokenExchanger;
pub use forward::{forward, forwarded_authorization};
#[cfg(feature = "reqwest-middleware")]
pub use middleware::DownstreamAuth;
pub use token_endpoint::{TokenEndpoint, TokenEndpointAnswer, TokenEndpointFailure, TokenEndpointFuture};

pub use crate::validation::introspection::ClientAuthentication;

/// The `grant_type` of a token exchange (RFC 8693 §2.1).
pub const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

/// The token type of an OAuth access token (RFC 8693 §3): the
/// `subject_token_type` of every exchange.
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
