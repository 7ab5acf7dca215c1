//! Requests/s through the gateway example vs straight to the API it fronts,
//! measured side by side in one run.
//!
//! ```sh
//! cargo build --release -p scopeguard-examples --bin gateway --bin inventory-api
//! cargo run --release --manifest-path bench/gateway-load/Cargo.toml -- [--secs 5] [--rounds 3] [--connections 32]
//! ```
//!
//! It starts the release `gateway` binary in its demo mode with the bundled
//! route file (on free ports), starts the release `inventory-api` behind it
//! trusting the gateway's development issuer (the command the gateway
//! prints), and takes the customer's JWT from the printed `curl` line for
//! `GET /orders/1001/items`. Then, in alternating rounds of `--secs`
//! seconds, `--connections` keep-alive HTTP/1.1 connections send that
//! request as fast as they can, straight to the API, then through the
//! gateway (which checks the token and the coarse scope at the edge and
//! forwards the JWT; the API checks it again). Every answer must be 200.
//! Both servers log at `warn` only. It prints each round and the ratio of
//! the medians.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};

struct Settings {
    secs: u64,
    rounds: usize,
    connections: usize,
    bin_dir: String,
}

fn settings() -> Settings {
    let mut settings = Settings {
        secs: 5,
        rounds: 3,
        connections: 32,
        bin_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/release").to_owned(),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--secs" => settings.secs = value.parse().expect("--secs N"),
            "--rounds" => settings.rounds = value.parse().expect("--rounds N"),
            "--connections" => settings.connections = value.parse().expect("--connections N"),
            "--bin-dir" => settings.bin_dir = value,
            other => panic!("unknown option {other}"),
        }
    }
    settings
}

async fn free_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("an address")
}

/// Starts `binary` with `env`, and reads its stdout up to `listening on`.
async fn start(binary: &str, env: &[(&str, String)]) -> (Child, Vec<String>) {
    let mut command = Command::new(binary);
    command
        .env("RUST_LOG", "warn")
        .envs(env.iter().map(|(name, value)| (*name, value.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .unwrap_or_else(|error| panic!("{binary}: {error}"));
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut printed = Vec::new();
    while let Some(line) = lines.next_line().await.expect("stdout") {
        let ready = line.starts_with("listening on ");
        printed.push(line);
        if ready {
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, printed)
}

/// One keep-alive connection sending `request` until `stop`; counts the
/// 200 answers in `ok` and the others in `bad`.
async fn connection(
    addr: SocketAddr,
    request: Arc<Vec<u8>>,
    stop: Arc<AtomicBool>,
    ok: Arc<AtomicU64>,
    bad: Arc<AtomicU64>,
) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    while !stop.load(Ordering::Relaxed) {
        stream.get_mut().write_all(&request).await.expect("write");
        line.clear();
        stream.read_line(&mut line).await.expect("status line");
        let status_ok = line.split(' ').nth(1) == Some("200");
        let mut length = 0;
        loop {
            line.clear();
            stream.read_line(&mut line).await.expect("header");
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        stream.read_exact(&mut body).await.expect("body");
        if status_ok { &ok } else { &bad }.fetch_add(1, Ordering::Relaxed);
    }
}

/// Requests/s of `connections` connections to `addr` for `secs`.
async fn round(addr: SocketAddr, request: &Arc<Vec<u8>>, connections: usize, secs: u64) -> (f64, u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let (ok, bad) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            tokio::spawn(connection(
                addr,
                Arc::clone(request),
                Arc::clone(&stop),
                Arc::clone(&ok),
                Arc::clone(&bad),
            ))
        })
        .collect();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let done = ok.load(Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.expect("a connection");
    }
    #[allow(clippy::cast_precision_loss)]
    let rate = done as f64 / elapsed;
    (rate, bad.load(Ordering::Relaxed))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let settings = settings();
    let (inventory, profile) = (free_addr().await, free_addr().await);
    let routes = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/gateway.toml"
    ))
    .expect("examples/gateway.toml")
    .replace("127.0.0.1:3000", &inventory.to_string())
    .replace("127.0.0.1:3001", &profile.to_string());
    let routes_file = std::env::temp_dir().join(format!("gateway-load-{}.toml", std::process::id()));
    std::fs::write(&routes_file, routes).expect("the route file");

    let (_gateway, printed) = start(
        &format!("{}/gateway", settings.bin_dir),
        &[
            ("SCOPEGUARD_GATEWAY_ADDR", "127.0.0.1:0".to_owned()),
            ("SCOPEGUARD_GATEWAY_ROUTES", routes_file.display().to_string()),
        ],
    )
    .await;
    let gateway: SocketAddr = printed
        .last()
        .and_then(|line| line.strip_prefix("listening on http://"))
        .and_then(|addr| addr.parse().ok())
        .expect("the gateway's address");
    let issuer = printed
        .iter()
        .find_map(|line| line.split("SCOPEGUARD_ISSUER='").nth(1))
        .and_then(|rest| rest.split('\'').next())
        .expect("the issuer")
        .to_owned();
    let heading = printed
        .iter()
        .position(|line| line.starts_with("# customer reads the items of order 1001 -> expect 200"))
        .expect("the customer's request");
    let token = printed[heading + 1]
        .split("Bearer ")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the customer's token")
        .to_owned();
    let (_api, _) = start(
        &format!("{}/inventory-api", settings.bin_dir),
        &[
            ("SCOPEGUARD_ISSUER", issuer),
            ("SCOPEGUARD_AUDIENCE", "inventory-api".to_owned()),
            ("SCOPEGUARD_ADDR", inventory.to_string()),
        ],
    )
    .await;

    let request = |host: SocketAddr| {
        Arc::new(
            format!(
                "GET /orders/1001/items HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\r\n"
            )
            .into_bytes(),
        )
    };
    let (direct, through) = (request(inventory), request(gateway));
    // Warm-up: connections, caches, the gateway's pool to the API.
    round(inventory, &direct, settings.connections, 1).await;
    round(gateway, &through, settings.connections, 1).await;

    println!(
        "{} connections, {} s per round, GET /orders/1001/items with the customer's EdDSA JWT from the development issuer",
        settings.connections, settings.secs
    );
    let (mut direct_rates, mut gateway_rates) = (Vec::new(), Vec::new());
    for index in 1..=settings.rounds {
        let (rate, bad) = round(inventory, &direct, settings.connections, settings.secs).await;
        assert_eq!(bad, 0, "answers other than 200 straight to the API");
        println!("round {index}: straight to the API   {rate:>9.0} requests/s");
        direct_rates.push(rate);
        let (rate, bad) = round(gateway, &through, settings.connections, settings.secs).await;
        assert_eq!(bad, 0, "answers other than 200 through the gateway");
        println!("round {index}: through the gateway   {rate:>9.0} requests/s");
        gateway_rates.push(rate);
    }
    let (direct, gateway) = (median(direct_rates), median(gateway_rates));
    println!(
        "median: straight {direct:.0} requests/s, through the gateway {gateway:.0} requests/s, ratio {:.2}",
        gateway / direct
    );
    let _ = std::fs::remove_file(routes_file);
}
