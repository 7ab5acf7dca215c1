//! Two instances sharing one real Redis server as their DPoP replay store
//! (SPEC §3.6): a proof one accepted is a replay for the other, and a Redis
//! outage is a 503 with `Retry-After`, never an accepted proof.
//!
//! The test starts `redis-server` on a free loopback port. Without it the
//! test fails when `CI` is set, and otherwise skips saying what to install.

#![allow(clippy::print_stderr)] // a skipped test says why on stderr

#[path = "../../test-support/shared/dpop_cases.rs"]
mod dpop_cases;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use dpop_cases::{Kit, ORIGIN};
use scopeguard_axum::dpop::{DpopConfig, DpopMode, RedisReplayStore};
use scopeguard_axum::{AuthLayer, Authenticator, RequireScope};
use tower::ServiceExt as _;

/// A `redis-server` this test started; killed when dropped.
struct RedisServer {
    child: Child,
    url: String,
}

impl RedisServer {
    fn start() -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .expect("test fixture");
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(error) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "redis-server cannot be started under CI: {error}"
                );
                eprintln!(
                    "skipped: redis-server not found ({error}); install it (Debian: apt-get install redis-server)"
                );
                return None;
            }
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(Self {
                    child,
                    url: format!("redis://127.0.0.1:{port}/"),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("redis-server did not start listening");
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn instance(kit: &Kit, redis: &RedisServer) -> Router {
    let store = RedisReplayStore::connect(&redis.url).await.expect("test fixture");
    let dpop = DpopConfig::builder()
        .mode(DpopMode::Allowed)
        .public_origin(ORIGIN)
        .replay_store(store)
        .build()
        .expect("test fixture");
    Router::new()
        .route(
            "/items",
            get(|| async { "items" }).route_layer(RequireScope::new("order:item")),
        )
        .layer(AuthLayer::from(
            Authenticator::new(kit.issuer.validator()).dpop(dpop),
        ))
}

async fn status(app: &Router, token: &str, proof: &str) -> (u16, Option<String>) {
    let request = http::Request::get("/items")
        .header("authorization", format!("DPoP {token}"))
        .header("dpop", proof)
        .body(Body::empty())
        .expect("test fixture");
    let response = app.clone().oneshot(request).await.expect("test fixture");
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().expect("test fixture").to_owned());
    (response.status().as_u16(), retry_after)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_sharing_redis_refuse_each_others_proofs_and_fail_closed_without_it() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let kit = Kit::new();
    let (first, second) = (instance(&kit, &redis).await, instance(&kit, &redis).await);
    let token = kit.bound_token();

    let proof = kit.proof("GET", "/items", &token).sign();
    assert_eq!(
        status(&first, &token, &proof).await,
        (200, None),
        "first use, first instance"
    );
    assert_eq!(
        status(&second, &token, &proof).await.0,
        401,
        "replay on the other instance"
    );
    assert_eq!(
        status(&first, &token, &proof).await.0,
        401,
        "replay on the same instance"
    );
    let fresh = kit.proof("GET", "/items", &token).sign();
    assert_eq!(
        status(&second, &token, &fresh).await.0,
        200,
        "a fresh proof on the second instance"
    );

    redis.kill();
    let during_outage = kit.proof("GET", "/items", &token).sign();
    for app in [&first, &second] {
        let (code, retry_after) = status(app, &token, &during_outage).await;
        assert_eq!(code, 503, "Redis down: never an accepted proof");
        assert!(retry_after.is_some(), "503 carries Retry-After");
    }
}
