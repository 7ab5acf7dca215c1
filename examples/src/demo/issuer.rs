//! The embedded development issuer: a [`TestIssuer`] whose key set and
//! OpenID Connect discovery document are served over HTTP on loopback, so
//! that the demo finds its keys the way it would find a real provider's,
//! and whose token endpoint answers token exchanges (RFC 8693): downscoping
//! only, same `sub` and `exp`.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use scopeguard_core::test_util::TestIssuer;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::error::DemoError;
use super::issuer_introspection::{INTROSPECTION_PATH, OpaqueTokens, introspection_routes};

/// Where the issuer serves its key set, under its URL.
pub const JWKS_PATH: &str = "/jwks.json";

/// Where the issuer answers token exchanges, under its URL.
pub const TOKEN_PATH: &str = "/token";

/// Where the issuer serves its metadata, under its URL (OpenID Connect
/// Discovery §4).
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// A development issuer listening on `127.0.0.1` (a free port): its
/// issuer is `http://127.0.0.1:PORT`, its metadata is at
/// [`DISCOVERY_PATH`], its keys at [`JWKS_PATH`] and its token endpoint,
/// which answers token exchanges only, at [`TOKEN_PATH`].
///
/// Its signing key is generated when it starts and lives only in memory:
/// tokens of one run never verify in the next. It stops serving when
/// dropped.
pub struct DevIssuer {
    issuer: TestIssuer,
    addr: SocketAddr,
    server: JoinHandle<()>,
    opaque: OpaqueTokens,
}

impl DevIssuer {
    /// Generates a key, and serves the key set and the metadata on a free
    /// loopback port, for tokens minted for `audience`.
    ///
    /// Must run inside a tokio runtime, which then serves the documents.
    pub async fn start(audience: &str) -> Result<Self, DemoError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(DemoError::IssuerServer)?;
        let addr = listener.local_addr().map_err(DemoError::IssuerServer)?;
        let issuer = TestIssuer::builder()
            .issuer(format!("http://{addr}"))
            .audience(audience)
            .build()?;
        let jwks = issuer.jwks_json();
        let mut discovery: serde_json::Value =
            serde_json::from_str(&issuer.discovery_json(&format!("http://{addr}{JWKS_PATH}")))
                .unwrap_or_default();
        discovery["token_endpoint"] = format!("http://{addr}{TOKEN_PATH}").into();
        // Opaque tokens and RFC 9701 introspection, for the gateway.
        let discovery = with_introspection_endpoint(
            &discovery.to_string(),
            &format!("http://{addr}{INTROSPECTION_PATH}"),
        );
        let exchanging = issuer.clone();
        let opaque = OpaqueTokens::default();
        let app = Router::new()
            .route(DISCOVERY_PATH, get(move || async move { json(discovery) }))
            .route(JWKS_PATH, get(move || async move { json(jwks) }))
            .route(
                TOKEN_PATH,
                post(move |body: Bytes| async move {
                    let answer = exchanging.answer_token_request_body(&body).await;
                    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_REQUEST);
                    (status, [(header::CONTENT_TYPE, "application/json")], answer.body)
                }),
            )
            .merge(introspection_routes(issuer.clone(), opaque.clone()));
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "the development issuer stopped");
            }
        });
        tracing::info!(issuer = %issuer.issuer(), kid = issuer.kid(), "development issuer ready");
        Ok(Self {
            issuer,
            addr,
            server,
            opaque,
        })
    }

    /// The issuer URL, `http://127.0.0.1:PORT`: the `iss` of its tokens.
    pub fn url(&self) -> &str {
        self.issuer.issuer()
    }

    /// The address the documents are served on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The key and the token minting behind it.
    pub fn issuer(&self) -> &TestIssuer {
        &self.issuer
    }

    /// The opaque tokens its introspection endpoint knows.
    pub fn opaque_tokens(&self) -> &OpaqueTokens {
        &self.opaque
    }

    /// Its introspection endpoint (RFC 7662, with RFC 9701 answers).
    pub fn introspection_endpoint(&self) -> String {
        format!("http://{}{INTROSPECTION_PATH}", self.addr)
    }
}

/// The discovery document with its `introspection_endpoint`.
fn with_introspection_endpoint(discovery: &str, endpoint: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(discovery) {
        Ok(serde_json::Value::Object(mut document)) => {
            document.insert("introspection_endpoint".into(), endpoint.into());
            serde_json::Value::Object(document).to_string()
        }
        _ => discovery.to_owned(),
    }
}

/// A JSON document as a response.
fn json(document: String) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document)
}

impl Drop for DevIssuer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl fmt::Debug for DevIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevIssuer")
            .field("issuer", &self.issuer)
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
