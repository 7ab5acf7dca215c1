//! The shipping API and the orders side's calls to it (SPEC §3.8): a
//! second small service in the same process, with its own audience, that
//! the inventory API calls on the caller's behalf with a token exchanged
//! at the development issuer for `order:shipping` only: same user, same
//! expiry, none of the caller's other scopes.
//!
//! The shipping API answers a parcel's status and, so the walkthrough shows
//! it, what it received: the token's `sub`, `aud` and scopes.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};
use reqwest::header::AUTHORIZATION;
use scopeguard_axum::{AuthLayer, Principal, RequireScope};
use scopeguard_core::downstream::{ExchangeError, TokenExchanger};
use scopeguard_core::validation::jwt::JwtValidator;
use scopeguard_core::validation::keys::JwksSource;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::error::DemoError;
use super::startup::ALGORITHMS;
use super::store::Store;

/// The scope the shipping API requires, and the only one its tokens get.
pub const SHIPPING_SCOPE: &str = "order:shipping";

/// The inventory API's client at the development issuer (which accepts any
/// client credentials).
const CLIENT_ID: &str = "inventory-api";
const CLIENT_SECRET: &str = "development-only";

/// The shipping API, listening on a free loopback port; it stops serving
/// when dropped.
#[derive(Debug)]
pub struct ShippingApi {
    url: String,
    server: JoinHandle<()>,
}

impl ShippingApi {
    /// Starts the API on a free loopback port. Its audience is its URL,
    /// `http://127.0.0.1:PORT`; it trusts `issuer`'s tokens (keys by
    /// discovery) for that audience with scope [`SHIPPING_SCOPE`].
    ///
    /// Must run inside a tokio runtime, which then serves the requests.
    pub async fn start(issuer: &str) -> Result<Self, DemoError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(DemoError::ShippingServer)?;
        let addr: SocketAddr = listener.local_addr().map_err(DemoError::ShippingServer)?;
        let url = format!("http://{addr}");
        let validator = JwtValidator::builder()
            .issuer(issuer, JwksSource::discover(issuer).build().await?)
            .audience(url.as_str())
            .algorithms(ALGORITHMS)
            .build()?;
        let store = Arc::new(Store::demo());
        let app = Router::new()
            .route(
                "/shipping/{id}",
                get(move |principal: Principal, Path(id): Path<u32>| {
                    let store = Arc::clone(&store);
                    async move { parcel(&principal, &store, id) }
                })
                .route_layer(RequireScope::new(SHIPPING_SCOPE)),
            )
            .layer(AuthLayer::new(validator));
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "the shipping API stopped");
            }
        });
        tracing::info!(%url, "shipping API ready");
        Ok(Self { url, server })
    }

    /// The API's URL, also its audience.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for ShippingApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// `GET /shipping/{id}`: the parcel, and what the API received.
fn parcel(principal: &Principal, store: &Store, id: u32) -> Json<Value> {
    tracing::info!(
        route = "shipping-api",
        sub = principal.sub().unwrap_or("-"),
        scopes = %principal.scopes(),
        "request allowed"
    );
    let shipping = store.order(id).map(|order| order.shipping);
    Json(json!({
        "parcel": shipping,
        "received": {
            "sub": principal.sub(),
            "aud": principal.aud(),
            "scope": principal.scopes().as_space_delimited(),
        },
    }))
}

/// Why the orders side cannot answer with the parcel.
#[derive(Debug)]
pub enum TrackingError {
    /// The exchange failed: the SPEC §4 answer (403 or 503).
    Exchange(ExchangeError),
    /// The shipping API gave no usable answer: 502 (logged).
    ShippingApi,
}

impl From<ExchangeError> for TrackingError {
    fn from(error: ExchangeError) -> Self {
        Self::Exchange(error)
    }
}

/// The orders side's client of the shipping API: exchanges the caller's
/// token at the issuer, then calls.
#[derive(Debug, Clone)]
pub struct ShippingClient {
    exchanger: TokenExchanger,
    http: reqwest::Client,
    url: String,
}

impl ShippingClient {
    /// A client of the shipping API at `shipping_url`, exchanging at the
    /// token endpoint `issuer`'s metadata names, for [`SHIPPING_SCOPE`] and
    /// the API's audience.
    pub fn new(issuer: &str, shipping_url: &str) -> Result<Self, DemoError> {
        let exchanger = TokenExchanger::builder()
            .discover(issuer)
            .client_credentials(CLIENT_ID, CLIENT_SECRET)
            .audience(shipping_url)
            .scopes(SHIPPING_SCOPE)
            .build()?;
        Ok(Self {
            exchanger,
            http: reqwest::Client::new(),
            url: shipping_url.to_owned(),
        })
    }

    /// The parcel of order `id`, as the shipping API answers the caller
    /// `principal`: `{"order": id, "shipping": ...}`.
    pub async fn tracking(
        &self,
        principal: &scopeguard_core::Principal,
        id: u32,
    ) -> Result<Value, TrackingError> {
        let token = self.exchanger.exchange(principal).await?;
        let failed = |cause: &dyn std::fmt::Display| {
            tracing::warn!(cause = %cause, "the shipping API gave no usable answer");
            TrackingError::ShippingApi
        };
        let answer = self
            .http
            .get(format!("{}/shipping/{id}", self.url))
            .header(AUTHORIZATION, token.authorization())
            .send()
            .await
            .map_err(|error| failed(&error))?;
        if !answer.status().is_success() {
            return Err(failed(&format_args!("it answered {}", answer.status())));
        }
        let body = answer.bytes().await.map_err(|error| failed(&error))?;
        let shipping: Value = serde_json::from_slice(&body).map_err(|error| failed(&error))?;
        Ok(json!({ "order": id, "shipping": shipping }))
    }
}

/// The shipping API and the orders side's client of it.
#[derive(Debug)]
pub struct Shipping {
    /// The running API.
    pub api: ShippingApi,
    /// The client the inventory API calls it with.
    pub client: Arc<ShippingClient>,
}

impl Shipping {
    /// Starts the shipping API trusting `issuer`, and the client that
    /// exchanges tokens there for it.
    pub async fn start(issuer: &str) -> Result<Self, DemoError> {
        let api = ShippingApi::start(issuer).await?;
        let client = Arc::new(ShippingClient::new(issuer, api.url())?);
        Ok(Self { api, client })
    }
}
