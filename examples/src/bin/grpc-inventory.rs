//! A gRPC inventory on tonic protected by scopeguard (SPEC §5): the method
//! map, `#[requires_scope_tonic]` and a price stream that ends when the
//! token expires (see [`scopeguard_examples::grpc::inventory`]).
//!
//! ```sh
//! cargo run -p scopeguard-examples --bin grpc-inventory
//! ```
//!
//! It trusts an in-memory development issuer and prints, for each method,
//! a `grpcurl` line with a fresh token and the status it must answer.
//! `SCOPEGUARD_ADDR` sets the listen address (default `127.0.0.1:50051`).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use scopeguard_core::request::Authenticator;
use scopeguard_core::test_util::TestIssuer;
use scopeguard_examples::conformance::init_tracing;
use scopeguard_examples::grpc::inventory::{
    DELETE_ITEM, GET_ITEM, InventoryService, SET_PRICE, WATCH_PRICES, routes,
};

const DEFAULT_ADDR: &str = "127.0.0.1:50051";

/// One printed call: what it shows, the method, the token's scopes, the
/// request and the status it answers.
struct Line {
    title: &'static str,
    method: &'static str,
    scopes: Option<&'static str>,
    lifetime: Duration,
    data: &'static str,
    answers: &'static str,
}

const HOUR: Duration = Duration::from_secs(3600);

const LINES: [Line; 7] = [
    Line {
        title: "read an item",
        method: GET_ITEM,
        scopes: Some("inventory:read"),
        lifetime: HOUR,
        data: r#"{"id":"widget"}"#,
        answers: "OK",
    },
    Line {
        title: "no token",
        method: GET_ITEM,
        scopes: None,
        lifetime: HOUR,
        data: r#"{"id":"widget"}"#,
        answers: "Unauthenticated (16)",
    },
    Line {
        title: "the wrong scope",
        method: GET_ITEM,
        scopes: Some("order"),
        lifetime: HOUR,
        data: r#"{"id":"widget"}"#,
        answers: "PermissionDenied (7)",
    },
    Line {
        title: "set a price (macro)",
        method: SET_PRICE,
        scopes: Some("inventory:price.write"),
        lifetime: HOUR,
        data: r#"{"id":"widget","cents":2500}"#,
        answers: "OK",
    },
    Line {
        title: "set a price, read-only token",
        method: SET_PRICE,
        scopes: Some("inventory:read"),
        lifetime: HOUR,
        data: r#"{"id":"widget","cents":1}"#,
        answers: "PermissionDenied (7)",
    },
    Line {
        title: "delete (admin, signed in within 5 minutes)",
        method: DELETE_ITEM,
        scopes: Some("admin"),
        lifetime: HOUR,
        data: r#"{"id":"widget"}"#,
        answers: "OK",
    },
    Line {
        title: "watch prices with a 20-second token",
        method: WATCH_PRICES,
        scopes: Some("inventory:read"),
        lifetime: Duration::from_secs(20),
        data: r#"{"id":"widget"}"#,
        answers: "updates, then Unauthenticated (16) when the token expires",
    },
];

/// Prints the ready line and the `grpcurl` walkthrough.
#[allow(clippy::print_stdout)] // the walkthrough is the example's output
fn print_walkthrough(addr: SocketAddr, issuer: &TestIssuer) {
    println!("listening on http://{addr}");
    println!();
    for line in &LINES {
        let header = line.scopes.map_or_else(String::new, |scopes| {
            let token = issuer
                .token()
                .sub("demo-user")
                .scopes(scopes)
                .expires_in(line.lifetime)
                .authenticated_ago(Duration::from_secs(10))
                .sign();
            format!(" -H 'authorization: Bearer {token}'")
        });
        let method = line.method.trim_start_matches('/');
        println!("# {}: answers {}", line.title, line.answers);
        println!(
            "grpcurl -plaintext -import-path examples/proto -proto inventory.proto{header} -d '{}' {addr} {method}",
            line.data
        );
        println!();
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = std::env::var("SCOPEGUARD_ADDR")
        .unwrap_or_else(|_| DEFAULT_ADDR.to_owned())
        .parse()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let issuer = TestIssuer::new();
    let router = routes(
        InventoryService::new(Duration::from_secs(1)),
        Authenticator::new(issuer.validator()),
    );
    print_walkthrough(addr, &issuer);
    tonic::transport::Server::builder()
        .add_routes(tonic::service::Routes::from(router))
        .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
        .await?;
    Ok(())
}

#[tokio::main]
#[allow(clippy::print_stderr)] // the operator reads why it cannot start
async fn main() -> ExitCode {
    init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("grpc-inventory: {error}");
            ExitCode::from(2)
        }
    }
}
