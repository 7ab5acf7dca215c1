//! A gateway built on scopeguard: a reverse proxy that checks scopes at the
//! edge (401/403 before anything reaches an API) and forwards each request
//! with the token its upstream takes: the client's JWT, the signed
//! introspection answer of its opaque token (the phantom-token flow, RFC
//! 9701), or none.
//!
//! ```sh
//! cargo run -p scopeguard-examples --bin gateway
//! ```
//!
//! With no configuration it starts the development issuer (which also
//! introspects opaque tokens) and the profile API, reads the bundled
//! `examples/gateway.toml`, prints how to start the inventory API behind
//! it, and `curl` lines through it. See
//! [`scopeguard_examples::gateway::startup`] for the variables.

use std::process::ExitCode;

use scopeguard_examples::demo::logging::init_tracing;
use scopeguard_examples::gateway::demo_walkthrough::render_gateway_walkthrough;
use scopeguard_examples::gateway::startup::{
    DEMO_AUDIENCE, GatewayStartError, StartedGateway, start_gateway,
};

const NAME: &str = "gateway";

#[allow(clippy::print_stdout)] // the walkthrough is the demo's output
fn announce(started: &StartedGateway, base: &str) {
    let table = started.gateway.table();
    println!(
        "gateway: {base}, {} routes from {}",
        table.routes().len(),
        started.routes
    );
    for upstream in table.upstreams() {
        println!(
            "  upstream {} at http://{} ({:?})",
            upstream.name, upstream.authority, upstream.token
        );
    }
    if let Some(dev) = &started.issuer {
        println!(
            "Development issuer: {} (introspection at {}, signed answers)",
            dev.url(),
            dev.introspection_endpoint()
        );
        if let Some(inventory) = table
            .upstreams()
            .iter()
            .find(|upstream| upstream.name == "inventory")
        {
            println!("Start the inventory API behind the gateway, trusting this issuer:");
            println!(
                "  SCOPEGUARD_ISSUER='{}' SCOPEGUARD_AUDIENCE='{DEMO_AUDIENCE}' SCOPEGUARD_ADDR='{}' cargo run -p scopeguard-examples --bin inventory-api",
                dev.url(),
                inventory.authority
            );
        }
        if let Some(profile) = started.profile_api {
            println!(
                "The profile API (it validates phantom tokens) runs in this process at http://{profile}"
            );
        }
        println!(
            "{}",
            render_gateway_walkthrough(base, dev.issuer(), dev.opaque_tokens())
        );
    }
    println!("listening on {base}");
}

async fn run() -> Result<(), GatewayStartError> {
    let started = start_gateway().await?;
    let addr = started
        .listener
        .local_addr()
        .map_err(scopeguard_examples::demo::error::DemoError::Serve)?;
    let base = format!("http://{addr}");
    announce(&started, &base);
    let StartedGateway {
        listener,
        gateway,
        issuer: _issuer,
        ..
    } = started;
    axum::serve(listener, gateway.router())
        .await
        .map_err(|error| scopeguard_examples::demo::error::DemoError::Serve(error).into())
}

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        #[allow(clippy::print_stderr)] // the user reads this, logging or not
        Err(error) => {
            eprintln!("{NAME}: {error}");
            ExitCode::from(2)
        }
    }
}
