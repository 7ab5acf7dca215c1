//! `reqwest-middleware` middleware that sends the caller's token, forwarded
//! or exchanged, with every request that carries the caller's
//! [`Principal`] (feature `reqwest-middleware`).
//!
//! ```no_run
//! use reqwest_middleware::ClientBuilder;
//! use scopeguard_core::Principal;
//! use scopeguard_core::downstream::{DownstreamAuth, TokenExchanger};
//!
//! # async fn run(principal: Principal, exchanger: TokenExchanger) -> Result<(), reqwest_middleware::Error> {
//! let shipping = ClientBuilder::new(reqwest::Client::new())
//!     .with(DownstreamAuth::exchange(exchanger))
//!     .build();
//! let answer = shipping
//!     .get("https://shipping.example.com/shipping/42")
//!     .with_extension(principal)
//!     .send()
//!     .await?;
//! # let _ = answer;
//! # Ok(())
//! # }
//! ```
//!
//! A request without a principal in its extensions fails (an
//! [`ExchangeError`] of kind
//! [`MissingAccessToken`](super::ExchangeErrorKind::MissingAccessToken),
//! inside [`reqwest_middleware::Error::Middleware`]) rather than going out
//! without credentials; so does a failed exchange, whose [`ExchangeError`]
//! can be recovered with `downcast_ref` to answer the caller.

use http::Extensions;
use reqwest::header::AUTHORIZATION;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

use super::error::{ExchangeError, ExchangeErrorKind};
use super::exchanger::TokenExchanger;
use super::forward::forwarded_authorization;
use crate::Principal;

/// Middleware that sets `Authorization` from the request's [`Principal`]
/// extension: the caller's own token, or one exchanged for it.
#[derive(Debug, Clone)]
#[must_use]
pub struct DownstreamAuth {
    exchanger: Option<TokenExchanger>,
}

impl DownstreamAuth {
    /// Forwards the caller's own token.
    pub fn forward() -> Self {
        Self { exchanger: None }
    }

    /// Sends a token exchanged for the caller's with `exchanger`.
    pub fn exchange(exchanger: TokenExchanger) -> Self {
        Self {
            exchanger: Some(exchanger),
        }
    }
}

#[async_trait::async_trait]
impl Middleware for DownstreamAuth {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let Some(principal) = extensions.get::<Principal>().cloned() else {
            tracing::error!(
                reason = ExchangeErrorKind::MissingAccessToken.label(),
                "a downstream request carries no principal: add it with `with_extension(principal)`"
            );
            return Err(reqwest_middleware::Error::middleware(ExchangeError::new(
                ExchangeErrorKind::MissingAccessToken,
                None,
                std::time::Duration::ZERO,
            )));
        };
        let authorization = match &self.exchanger {
            None => forwarded_authorization(&principal),
            Some(exchanger) => exchanger
                .exchange(&principal)
                .await
                .map(|token| token.authorization()),
        }
        .map_err(reqwest_middleware::Error::middleware)?;
        request.headers_mut().insert(AUTHORIZATION, authorization);
        next.run(request, extensions).await
    }
}
