//! An actix-web API served over TLS with client certificates (SPEC §3.7):
//! `on_connect` stores the TLS connection's certificate in the connection
//! data, and certificate-bound tokens (`cnf.x5t#S256`) are checked against
//! it.
//!
//! ```text
//! SCOPEGUARD_ISSUER=https://issuer.example SCOPEGUARD_AUDIENCE=https://api.example \
//!   SCOPEGUARD_JWKS_URL=https://issuer.example/jwks \
//!   SCOPEGUARD_TLS_CERT=server.pem SCOPEGUARD_TLS_KEY=server-key.pem \
//!   cargo run -p scopeguard-examples --bin mtls-actix
//! curl --cacert server.pem --cert client.pem --key client-key.pem \
//!   -H "Authorization: Bearer $TOKEN" https://localhost:8080/orders/7/items
//! ```
//!
//! `SCOPEGUARD_ADDR` is the listen address (default `127.0.0.1:8080`);
//! when ready it prints `listening on https://ADDR`. Without
//! `SCOPEGUARD_TLS_CERT` / `SCOPEGUARD_TLS_KEY` it serves a fresh
//! self-signed certificate for `localhost`.

use std::any::Any;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use actix_tls::accept::rustls_0_23::TlsStream;
use actix_web::dev::Extensions;
use actix_web::rt::net::TcpStream;
use actix_web::{App, HttpServer, web};
use scopeguard_actix::mtls::MtlsConfig;
use scopeguard_actix::{AuthMiddleware, Authenticator, Principal, RequireScope};
use scopeguard_examples::conformance::config::ConformanceConfig;
use scopeguard_examples::conformance::{StartupError, fail, init_tracing, validators};
use scopeguard_examples::tls;

const SERVER: &str = "mtls-actix";

async fn order_items(principal: Principal) -> String {
    format!("items for {}", principal.sub().unwrap_or("nobody"))
}

/// Stores the client's certificate of a TLS connection in its connection
/// data, where the authentication middleware reads it.
fn store_peer_certificate(connection: &dyn Any, data: &mut Extensions) {
    if let Some(tls) = connection.downcast_ref::<TlsStream<TcpStream>>()
        && let Some(certificate) = tls::peer_certificate(tls.get_ref().1)
    {
        data.insert(certificate);
    }
}

async fn run() -> Result<(), StartupError> {
    let config = ConformanceConfig::from_env()?;
    let policy = Arc::new(validators::policy()?);
    let jwt = Arc::new(validators::jwt_validator(&config, policy).await?);
    let (chain, key) = tls::server_identity().map_err(StartupError::Tls)?;
    let tls_config = tls::server_config(chain, key).map_err(|error| StartupError::Tls(error.to_string()))?;
    let listener = std::net::TcpListener::bind(config.addr).map_err(|source| StartupError::Bind {
        addr: config.addr,
        source,
    })?;
    let addr = listener.local_addr().map_err(StartupError::Serve)?;
    let server = HttpServer::new(move || {
        App::new()
            .service(
                web::resource("/orders/{id}/items")
                    .wrap(RequireScope::new("order:item"))
                    .route(web::get().to(order_items)),
            )
            .wrap(AuthMiddleware::from(
                Authenticator::from_shared(Arc::clone(&jwt)).mtls(MtlsConfig::default()),
            ))
    })
    .on_connect(store_peer_certificate)
    .listen_rustls_0_23(listener, tls_config)
    .map_err(StartupError::Serve)?
    .run();
    announce(addr);
    server.await.map_err(StartupError::Serve)
}

/// The ready line: `listening on https://ADDR`.
#[allow(clippy::print_stdout)] // the ready line is the example's stdout contract
fn announce(addr: SocketAddr) {
    println!("listening on https://{addr}");
}

#[actix_web::main]
async fn main() -> ExitCode {
    init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(SERVER, &error),
    }
}
