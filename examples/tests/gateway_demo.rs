//! The gateway demo end to end: the `gateway` binary with its bundled route
//! file (on free ports), the `inventory-api` binary behind it started as
//! the gateway prints, trusting the gateway's development issuer, and every
//! printed `curl` line made through the gateway, answering the status its
//! heading promises: at the edge (401/403), in the inventory API behind it
//! (JWTs forwarded as is), and in the profile API (phantom tokens).

#[allow(dead_code)]
mod demo_support;

use std::net::TcpListener;

use demo_support::printed::promises;
use demo_support::running::{AXUM, RunningDemo, client};
use scopeguard_examples::gateway::startup::{BUNDLED_ROUTES, DEMO_AUDIENCE};

const GATEWAY: &str = env!("CARGO_BIN_EXE_gateway");

/// A port of 127.0.0.1 free a moment ago.
fn free_addr() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.local_addr().expect("the local address").to_string()
}

#[tokio::test]
async fn every_printed_line_through_the_gateway_answers_as_promised() {
    let (inventory, profile) = (free_addr(), free_addr());
    let routes = BUNDLED_ROUTES
        .replace("127.0.0.1:3000", &inventory)
        .replace("127.0.0.1:3001", &profile);
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("gateway-{inventory}.toml").replace(':', "-"));
    std::fs::write(&path, routes).expect("the route file is written");
    let path = path.to_str().expect("a UTF-8 path").to_owned();

    let gateway = RunningDemo::start(
        GATEWAY,
        &[
            ("SCOPEGUARD_GATEWAY_ADDR", "127.0.0.1:0"),
            ("SCOPEGUARD_GATEWAY_ROUTES", &path),
        ],
    )
    .await;
    let command = gateway
        .stdout
        .iter()
        .find(|line| line.contains("--bin inventory-api"))
        .expect("the command that starts the inventory API");
    let issuer = command
        .split("SCOPEGUARD_ISSUER='")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the issuer in the command");
    assert!(
        command.contains(&format!("SCOPEGUARD_AUDIENCE='{DEMO_AUDIENCE}'")),
        "{command}"
    );
    assert!(
        command.contains(&format!("SCOPEGUARD_ADDR='{inventory}'")),
        "{command}"
    );
    let _inventory = RunningDemo::start(
        AXUM,
        &[
            ("SCOPEGUARD_ISSUER", issuer),
            ("SCOPEGUARD_AUDIENCE", DEMO_AUDIENCE),
            ("SCOPEGUARD_ADDR", &inventory),
        ],
    )
    .await;

    let printed = promises(&gateway.stdout);
    assert_eq!(printed.len(), 12, "{:#?}", gateway.stdout);
    let client = client();
    let mut wrong = Vec::new();
    for promise in &printed {
        assert!(promise.url.starts_with(&gateway.base), "{}", promise.url);
        let mut request = client.request(promise.method.clone(), &promise.url);
        for (name, value) in &promise.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &promise.body {
            request = request.body(body.clone());
        }
        let status = request.send().await.expect("an answer").status().as_u16();
        if status != promise.expect {
            wrong.push(format!("{}: got {status}", promise.heading));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}\n{}", gateway.log());
}

#[test]
fn a_bad_route_file_stops_the_gateway_naming_the_line() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("gateway-bad-routes.toml");
    std::fs::write(
        &path,
        "[upstreams.a]\nurl = \"http://127.0.0.1:1\"\ntoken = \"jwt\"\n\n[[route]]\npath = \"/x\"\nupstream = \"a\"\nrequires = \"any(a\"\n",
    )
    .expect("the route file is written");
    let output = std::process::Command::new(GATEWAY)
        .env("SCOPEGUARD_GATEWAY_ADDR", "127.0.0.1:0")
        .env("SCOPEGUARD_GATEWAY_ROUTES", &path)
        .env_remove("SCOPEGUARD_ISSUER")
        .output()
        .expect("the gateway runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 8: requirement `any(a`"), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing served");
}
