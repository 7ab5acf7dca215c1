//! The conformance servers' calls to the downstream API (SPEC §3.8, §7):
//! `GET DOWNSTREAM/shipping/{id}`, with the caller's own token
//! (`shipping-forwarded`) or with one exchanged for scope `order:shipping`
//! (`shipping-exchanged`), the same in both frameworks.

use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use scopeguard_core::Principal;
use scopeguard_core::downstream::{ExchangeError, TokenExchanger, forwarded_authorization};
use serde::Serialize;

use super::StartupError;
use super::config::DownstreamSettings;

/// The scope exchanged tokens are asked for.
pub const EXCHANGED_SCOPE: &str = "order:shipping";

/// The body of a 502: the downstream API did not answer with JSON.
pub const BAD_GATEWAY_BODY: &str =
    r#"{"error":"bad_gateway","error_description":"the downstream API gave no usable answer"}"#;

/// The body of a downstream route: the route's, plus the downstream's JSON
/// answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DownstreamBody {
    /// `shipping-forwarded` or `shipping-exchanged`.
    pub route: &'static str,
    /// The caller's `sub`.
    pub sub: Option<String>,
    /// What the downstream API answered.
    pub downstream: serde_json::Value,
}

/// Why a downstream route cannot answer with the downstream's answer.
#[derive(Debug)]
pub enum DownstreamFailure {
    /// The exchange failed: the SPEC §4 answer (403 or 503).
    Denied(ExchangeError),
    /// The downstream API is unreachable or did not answer 2xx JSON: 502
    /// with [`BAD_GATEWAY_BODY`] (the cause is logged).
    BadGateway,
}

impl From<ExchangeError> for DownstreamFailure {
    fn from(error: ExchangeError) -> Self {
        Self::Denied(error)
    }
}

/// The downstream API and the exchanger for it.
#[derive(Debug, Clone)]
pub struct Downstream {
    client: reqwest::Client,
    base: Url,
    exchanger: TokenExchanger,
}

impl Downstream {
    /// The downstream of `settings`: exchanges at its token endpoint with
    /// `client_secret_basic`, for [`EXCHANGED_SCOPE`] and its audience.
    pub fn new(settings: &DownstreamSettings) -> Result<Self, StartupError> {
        let base =
            Url::parse(&settings.url).map_err(|_| StartupError::DownstreamUrl(settings.url.clone()))?;
        let mut exchanger = TokenExchanger::builder()
            .token_endpoint(settings.token_endpoint.as_str())
            .client_credentials(settings.client_id.as_str(), settings.client_secret.as_str())
            .scopes(EXCHANGED_SCOPE);
        if let Some(audience) = &settings.audience {
            exchanger = exchanger.audience(audience.as_str());
        }
        Ok(Self {
            client: reqwest::Client::new(),
            base,
            exchanger: exchanger.build()?,
        })
    }

    /// `shipping-forwarded`: the shipping of order `id`, asked with the
    /// caller's own token.
    pub async fn forwarded(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<DownstreamBody, DownstreamFailure> {
        let authorization = forwarded_authorization(principal)?;
        self.call("shipping-forwarded", principal, id, authorization)
            .await
    }

    /// `shipping-exchanged`: the shipping of order `id`, asked with a token
    /// exchanged for [`EXCHANGED_SCOPE`].
    pub async fn exchanged(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<DownstreamBody, DownstreamFailure> {
        let token = self.exchanger.exchange(principal).await?;
        self.call("shipping-exchanged", principal, id, token.authorization())
            .await
    }

    async fn call(
        &self,
        route: &'static str,
        principal: &Principal,
        id: &str,
        authorization: HeaderValue,
    ) -> Result<DownstreamBody, DownstreamFailure> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| DownstreamFailure::BadGateway)?
            .pop_if_empty()
            .extend(["shipping", id]);
        let answer = self
            .client
            .get(url)
            .header(AUTHORIZATION, authorization)
            .send()
            .await
            .map_err(|error| bad_gateway(route, &error.without_url()))?;
        let status = answer.status();
        if !status.is_success() {
            return Err(bad_gateway(
                route,
                &format_args!("the downstream API answered {status}"),
            ));
        }
        let body = answer
            .bytes()
            .await
            .map_err(|error| bad_gateway(route, &error.without_url()))?;
        let downstream = serde_json::from_slice(&body).map_err(|error| bad_gateway(route, &error))?;
        Ok(DownstreamBody {
            route,
            sub: principal.sub().map(str::to_owned),
            downstream,
        })
    }
}

/// Logs why the downstream gave no answer; the 502.
fn bad_gateway(route: &str, cause: &dyn std::fmt::Display) -> DownstreamFailure {
    tracing::warn!(route, cause = %cause, "the downstream API gave no usable answer");
    DownstreamFailure::BadGateway
}
