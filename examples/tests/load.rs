//! A bounded load test of `conformance-axum` on 127.0.0.1 (issue 10).
//!
//! Ignored by `cargo test`; run it with
//!
//! ```text
//! cargo test --release -p scopeguard-examples --test load -- --ignored --nocapture
//! ```
//!
//! `LOAD_REQUESTS` (default 40 000) and `LOAD_CLIENTS` (default 16) change
//! the size; the run also stops after `LOAD_MAX_SECS` (default 120).
//!
//! The test serves a JWKS from an in-process key server, starts the
//! conformance server against it, and sends a fixed number of requests from
//! concurrent clients with a mix of tokens: valid (many distinct ones, to
//! fill the verified-token cache), expired, forged (another key under the
//! same `kid`), lacking the scope, none, and opaque tokens whose
//! introspection endpoint is down (the deliberate 503s). Every answer must
//! be the one the SPEC gives; no other 5xx is allowed. It samples the
//! server's resident memory (`VmRSS`) and asserts it is flat once warm, and
//! prints requests/s and peak RSS.
#![allow(clippy::print_stdout)]
// One scripted scenario, read top to bottom.
#![allow(clippy::too_many_lines)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use scopeguard_core::test_util::TestIssuer;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::Command;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn free_addr() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address")
}

/// The server's resident set size in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Valid,
    Expired,
    Forged,
    LacksScope,
    NoToken,
    IntrospectionDown,
}

impl Kind {
    /// The SPEC's answer: status and the `error` of the JSON body.
    fn expected(self) -> (u16, Option<&'static str>) {
        match self {
            Self::Valid => (200, None),
            Self::Expired | Self::Forged => (401, Some("invalid_token")),
            Self::LacksScope => (403, Some("insufficient_scope")),
            Self::NoToken => (401, Some("missing_token")),
            Self::IntrospectionDown => (503, Some("temporarily_unavailable")),
        }
    }

    fn of(request: usize) -> Self {
        match request % 20 {
            0..=9 => Self::Valid,
            10 | 11 => Self::Expired,
            12 | 13 => Self::Forged,
            14 | 15 => Self::LacksScope,
            16 | 17 => Self::NoToken,
            _ => Self::IntrospectionDown,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a load test: run with --ignored --release"]
async fn bounded_load_with_a_mix_of_tokens() {
    let total = usize::try_from(setting("LOAD_REQUESTS", 40_000)).expect("a count");
    let clients = usize::try_from(setting("LOAD_CLIENTS", 16)).expect("a count");
    let max_duration = Duration::from_secs(setting("LOAD_MAX_SECS", 120));

    // The key server.
    let issuer = TestIssuer::new();
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

    // The server under load.
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
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = stdout.next_line().await.expect("stdout") {
            if line.starts_with("listening on") {
                return;
            }
        }
        panic!("the server exited before listening");
    })
    .await
    .expect("the server listens within 30 s");
    tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });

    // The tokens: many distinct valid ones, a few of each other kind.
    let impostor = TestIssuer::builder()
        .issuer(issuer.issuer())
        .audience(issuer.audience())
        .kid(issuer.kid())
        .build()
        .expect("an impostor");
    let valid: Vec<String> = (0..4000)
        .map(|n| issuer.token().sub(format!("user-{n}")).scopes("order").sign())
        .collect();
    let expired: Vec<String> = (0..50)
        .map(|_| issuer.token().scopes("order").expired().sign())
        .collect();
    let forged: Vec<String> = (0..50).map(|_| impostor.token().scopes("order").sign()).collect();
    let lacking: Vec<String> = (0..50)
        .map(|_| issuer.token().scopes("inventory:price").sign())
        .collect();
    let tokens = Arc::new((valid, expired, forged, lacking));

    // RSS sampling.
    let rss_samples = Arc::new(std::sync::Mutex::new(Vec::<(usize, u64)>::new()));
    let done = Arc::new(AtomicUsize::new(0));
    let rss_task = {
        let rss_samples = Arc::clone(&rss_samples);
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            while done.load(Ordering::Relaxed) < total {
                if let Some(rss) = rss_kib(pid) {
                    rss_samples
                        .lock()
                        .expect("samples")
                        .push((done.load(Ordering::Relaxed), rss));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .expect("a client");
    let next = Arc::new(AtomicUsize::new(0));
    let wrong = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let unexpected_5xx = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (client, next, done, tokens, wrong, unexpected_5xx) = (
                client.clone(),
                Arc::clone(&next),
                Arc::clone(&done),
                Arc::clone(&tokens),
                Arc::clone(&wrong),
                Arc::clone(&unexpected_5xx),
            );
            tokio::spawn(async move {
                loop {
                    let request = next.fetch_add(1, Ordering::Relaxed);
                    if request >= total || started.elapsed() > max_duration {
                        return;
                    }
                    let kind = Kind::of(request);
                    let (valid, expired, forgeries, lacking) = &*tokens;
                    let pick = |list: &Vec<String>| list[request / 20 % list.len()].clone();
                    let (path, token) = match kind {
                        Kind::Valid => ("/orders/7/items", Some(pick(valid))),
                        Kind::Expired => ("/orders/7/items", Some(pick(expired))),
                        Kind::Forged => ("/orders/7/items", Some(pick(forgeries))),
                        Kind::LacksScope => ("/orders/7/items", Some(pick(lacking))),
                        Kind::NoToken => ("/orders/7/items", None),
                        Kind::IntrospectionDown => {
                            ("/introspected/orders/7/items", Some(format!("opaque-{request}")))
                        }
                    };
                    let mut builder = client.get(format!("http://{addr}{path}"));
                    if let Some(token) = token {
                        builder = builder.header("authorization", format!("Bearer {token}"));
                    }
                    let outcome = match builder.send().await {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            let retry_after = response.headers().contains_key("retry-after");
                            let body: serde_json::Value = match response.bytes().await {
                                Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
                                Err(_) => serde_json::Value::Null,
                            };
                            Ok((status, retry_after, body))
                        }
                        Err(error) => Err(error.to_string()),
                    };
                    let (want_status, want_error) = kind.expected();
                    let problem = match outcome {
                        Err(error) => Some(format!("{kind:?}: transport error {error}")),
                        Ok((status, retry_after, body)) => {
                            if status >= 500 && kind_is_not_503(kind) {
                                unexpected_5xx.fetch_add(1, Ordering::Relaxed);
                            }
                            let error = body.get("error").and_then(serde_json::Value::as_str);
                            if status != want_status || error != want_error {
                                Some(format!("{kind:?}: {status} {body}"))
                            } else if status == 503 && !retry_after {
                                Some(format!("{kind:?}: 503 without Retry-After"))
                            } else if kind == Kind::Valid && body["route"] != "order-items" {
                                Some(format!("{kind:?}: {body}"))
                            } else {
                                None
                            }
                        }
                    };
                    if let Some(problem) = problem {
                        let mut wrong = wrong.lock().expect("wrong");
                        if wrong.len() < 20 {
                            wrong.push(problem);
                        }
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("a client task");
    }
    let elapsed = started.elapsed();
    let completed = done.load(Ordering::Relaxed);
    done.store(total, Ordering::Relaxed);
    rss_task.await.expect("the RSS sampler");
    let final_rss = rss_kib(pid).unwrap_or(0);
    child.kill().await.expect("the server stops");

    let samples = rss_samples.lock().expect("samples").clone();
    let peak = samples
        .iter()
        .map(|&(_, rss)| rss)
        .max()
        .unwrap_or(final_rss)
        .max(final_rss);
    // Warm: once a quarter of the requests are done (every valid token has
    // been seen by then at the default size).
    let warm = samples
        .iter()
        .find(|&&(done, _)| done >= completed / 4)
        .map_or(final_rss, |&(_, rss)| rss);
    let late_peak = samples
        .iter()
        .filter(|&&(done, _)| done >= completed / 4)
        .map(|&(_, rss)| rss)
        .max()
        .unwrap_or(final_rss);
    let rate = f64::from(u32::try_from(completed).expect("a count")) / elapsed.as_secs_f64();
    println!(
        "load: {completed} requests from {clients} clients in {:.2} s = {rate:.0} requests/s",
        elapsed.as_secs_f64()
    );
    println!(
        "load: server RSS warm {} KiB, peak {} KiB, after warm-up peak {} KiB, final {} KiB, {} samples; JWKS fetched {} times",
        warm,
        peak,
        late_peak,
        final_rss,
        samples.len(),
        jwks_fetches.load(Ordering::Relaxed)
    );

    let wrong = wrong.lock().expect("wrong").clone();
    assert!(wrong.is_empty(), "wrong decisions:\n{}", wrong.join("\n"));
    assert_eq!(
        unexpected_5xx.load(Ordering::Relaxed),
        0,
        "unexpected 5xx answers"
    );
    assert_eq!(
        completed, total,
        "the run hit LOAD_MAX_SECS before sending every request"
    );
    assert!(
        late_peak <= warm + warm / 5 + 16 * 1024,
        "memory grew after warm-up: {warm} KiB → {late_peak} KiB"
    );
}

fn kind_is_not_503(kind: Kind) -> bool {
    !matches!(kind, Kind::IntrospectionDown)
}
