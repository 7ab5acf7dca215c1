//! The downstream API the conformance servers call (SPEC §3.8, §7): a
//! shipping API on loopback that validates the token it receives with the
//! provider's keys, accepting the servers' audience (a forwarded token) and
//! its own (an exchanged one), and answers with what it received.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use scopeguard_core::validation::jwt::JwtValidator;
use scopeguard_core::validation::keys::JwksSource;
use scopeguard_examples::conformance::validators::ALGORITHMS;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::tokens::AUDIENCE;

/// The shipping API's own audience: what exchanged tokens are asked for.
pub(crate) const SHIPPING_AUDIENCE: &str = "https://shipping.scopeguard.test";

/// The running shipping API; stops when dropped.
#[derive(Debug)]
pub(crate) struct ShippingApi {
    url: String,
    task: JoinHandle<()>,
}

impl ShippingApi {
    /// Starts the API, trusting the provider `issuer` (keys by discovery).
    pub(crate) async fn start(issuer: &str) -> Self {
        let keys = JwksSource::discover(issuer)
            .build()
            .await
            .expect("the provider's keys");
        let validator = JwtValidator::builder()
            .issuer(issuer, keys)
            .audiences([AUDIENCE, SHIPPING_AUDIENCE])
            .algorithms(ALGORITHMS)
            .build()
            .expect("a validator");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let app = Router::new()
            .route("/shipping/{id}", get(shipping))
            .with_state(validator);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, task }
    }

    /// The API's base URL.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for ShippingApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What the API received: the order, and the token's `sub`, `aud` and
/// scopes; 401 without a valid token.
async fn shipping(
    State(validator): State<JwtValidator>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<axum::Json<Value>, StatusCode> {
    let token = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or(StatusCode::UNAUTHORIZED)?;
    let principal = validator
        .validate(token)
        .await
        .map_err(|_| StatusCode::UNAUTHORIZED)?;
    Ok(axum::Json(json!({
        "order": id,
        "received": {
            "sub": principal.sub(),
            "aud": principal.aud(),
            "scope": principal.scopes().as_space_delimited(),
        },
    })))
}
