//! The server under load: `conformance-axum` as a child process, with its
//! JWKS served in-process and an introspection endpoint where nothing
//! listens; and its resident memory, read from `/proc`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use scopeguard_core::test_util::TestIssuer;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};

/// How long the server may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running `conformance-axum`, killed when dropped.
pub(crate) struct ServerUnderLoad {
    child: Child,
    pub(crate) pid: u32,
    pub(crate) addr: SocketAddr,
    /// How many times the key set was fetched.
    pub(crate) jwks_fetches: Arc<AtomicUsize>,
}

fn free_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address")
}

impl ServerUnderLoad {
    /// Serves the JWKS of `issuer` on a free port, and starts the
    /// conformance server trusting it, with `/introspected/...` pointed at
    /// an address where nothing listens.
    pub(crate) async fn start(issuer: &TestIssuer) -> Self {
        let jwks = issuer.jwks_json();
        let key_server = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let jwks_url = format!("http://{}/jwks", key_server.local_addr().expect("an address"));
        let jwks_fetches = Arc::new(AtomicUsize::new(0));
        let app = {
            let fetches = Arc::clone(&jwks_fetches);
            Router::new().route(
                "/jwks",
                get(move || {
                    fetches.fetch_add(1, Ordering::Relaxed);
                    let jwks = jwks.clone();
                    async move { ([("content-type", "application/json")], jwks) }
                }),
            )
        };
        tokio::spawn(async move { axum::serve(key_server, app).await.expect("the key server") });

        let addr = free_addr();
        let dead_introspection = free_addr();
        let mut child = Command::new(env!("CARGO_BIN_EXE_conformance-axum"))
            .env("SCOPEGUARD_ADDR", addr.to_string())
            .env("SCOPEGUARD_ISSUER", issuer.issuer())
            .env("SCOPEGUARD_AUDIENCE", issuer.audience())
            .env("SCOPEGUARD_JWKS_URL", &jwks_url)
            .env(
                "SCOPEGUARD_INTROSPECTION_URL",
                format!("http://{dead_introspection}/introspect"),
            )
            .env("SCOPEGUARD_INTROSPECTION_CLIENT_ID", "load")
            .env("SCOPEGUARD_INTROSPECTION_CLIENT_SECRET", "secret")
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the conformance server starts");
        let pid = child.id().expect("a pid");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
        tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = stdout.next_line().await.expect("stdout") {
                if line.starts_with("listening on") {
                    return;
                }
            }
            panic!("the server exited before listening");
        })
        .await
        .expect("the server listens in time");
        tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });
        Self {
            child,
            pid,
            addr,
            jwks_fetches,
        }
    }

    /// Its resident set size in KiB.
    pub(crate) fn rss_kib(&self) -> Option<u64> {
        rss_kib_of(self.pid)
    }

    /// Stops it.
    pub(crate) async fn stop(mut self) {
        self.child.kill().await.expect("the server stops");
    }
}

/// The resident set size of process `pid` in KiB (`VmRSS`).
pub(crate) fn rss_kib_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}
