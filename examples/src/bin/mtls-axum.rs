//! An axum API served over TLS with client certificates (SPEC §3.7): the
//! TLS connection's certificate goes into each request's extensions, and
//! certificate-bound tokens (`cnf.x5t#S256`) are checked against it.
//!
//! ```text
//! SCOPEGUARD_ISSUER=https://issuer.example SCOPEGUARD_AUDIENCE=https://api.example \
//!   SCOPEGUARD_JWKS_URL=https://issuer.example/jwks \
//!   SCOPEGUARD_TLS_CERT=server.pem SCOPEGUARD_TLS_KEY=server-key.pem \
//!   cargo run -p scopeguard-examples --bin mtls-axum
//! curl --cacert server.pem --cert client.pem --key client-key.pem \
//!   -H "Authorization: Bearer $TOKEN" https://localhost:8080/orders/7/items
//! ```
//!
//! `SCOPEGUARD_ADDR` is the listen address (default `127.0.0.1:8080`);
//! when ready it prints `listening on https://ADDR`. Without
//! `SCOPEGUARD_TLS_CERT` / `SCOPEGUARD_TLS_KEY` it serves a fresh
//! self-signed certificate for `localhost`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::routing::get;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use scopeguard_axum::mtls::MtlsConfig;
use scopeguard_axum::{AuthLayer, Authenticator, Principal, RequireScope};
use scopeguard_examples::conformance::config::ConformanceConfig;
use scopeguard_examples::conformance::{StartupError, fail, init_tracing, validators};
use scopeguard_examples::tls;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

const SERVER: &str = "mtls-axum";

async fn order_items(principal: Principal) -> String {
    format!("items for {}", principal.sub().unwrap_or("nobody"))
}

async fn run() -> Result<(), StartupError> {
    let config = ConformanceConfig::from_env()?;
    let policy = Arc::new(validators::policy()?);
    let jwt = validators::jwt_validator(&config, policy).await?;
    let app = Router::new()
        .route(
            "/orders/{id}/items",
            get(order_items).route_layer(RequireScope::new("order:item")),
        )
        .layer(AuthLayer::from(
            Authenticator::new(jwt).mtls(MtlsConfig::default()),
        ));

    let (chain, key) = tls::server_identity().map_err(StartupError::Tls)?;
    let tls_config = tls::server_config(chain, key).map_err(|error| StartupError::Tls(error.to_string()))?;
    let acceptor = TlsAcceptor::from(Arc::new(tls_config));
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| StartupError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartupError::Serve)?;
    announce(addr);
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                continue;
            }
        };
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
            let tls = match acceptor.accept(stream).await {
                Ok(tls) => tls,
                Err(error) => {
                    tracing::debug!(%error, %peer, "TLS handshake failed");
                    return;
                }
            };
            let certificate = tls::peer_certificate(tls.get_ref().1);
            // Every request of the connection carries its peer and its
            // client certificate.
            let service = app.map_request(move |request: hyper::Request<hyper::body::Incoming>| {
                let mut request = request.map(axum::body::Body::new);
                request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                if let Some(certificate) = &certificate {
                    request.extensions_mut().insert(certificate.clone());
                }
                request
            });
            let served = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), TowerToHyperService::new(service))
                .await;
            if let Err(error) = served {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
        });
    }
}

/// The ready line: `listening on https://ADDR`.
#[allow(clippy::print_stdout)] // the ready line is the example's stdout contract
fn announce(addr: SocketAddr) {
    println!("listening on https://{addr}");
}

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(SERVER, &error),
    }
}
