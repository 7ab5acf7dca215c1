//! Fault injection for the introspection endpoint (SPEC §3.5): refused
//! connection, a server that never answers (timeout), a slow drip, a
//! dropped connection, 500, 429, a truncated body, a wrong content type, a
//! huge body, a redirect to another host, and malformed answers. Every case:
//! 503 `introspection_unavailable` with `Retry-After` (the token may be
//! fine), a warning naming the cause (never the token), no panic, nothing
//! cached, and recovery as soon as the endpoint heals.
#![cfg(feature = "introspection")]

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
#[path = "../../test-support/shared/fault_server.rs"]
mod fault_server;
#[path = "../../test-support/shared/introspection_server.rs"]
mod introspection_server;

use std::time::{Duration, Instant};

use captured_logs::capture;
use fault_server::{Fault, FaultServer};
use introspection_server::{AUDIENCE, ISSUER, TIMEOUT, now, unavailable, unused_addr, validator_builder};
use scopeguard_core::validation::introspection::IntrospectionValidator;

const TOKEN: &str = "opaque-access-token-3f9a1c";
const MAX_BODY: usize = 16 * 1024;
/// How a timeout is logged: the whole call's deadline, or the HTTP client's
/// own timeout while sending or reading (the same limit).
const TIMED_OUT: &[&str] = &["did not answer within", "timed out"];

fn active_answer() -> String {
    serde_json::json!({
        "active": true,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": now() + 600,
        "sub": "alice",
        "scope": "order inventory:price",
    })
    .to_string()
}

fn validator(url: String) -> IntrospectionValidator {
    validator_builder(url)
        .max_body_size(MAX_BODY)
        .build()
        .expect("a valid configuration")
}

/// The faults, and what the warning says of each.
fn faults(elsewhere: &FaultServer) -> Vec<(&'static str, Fault, &'static [&'static str])> {
    let answer = active_answer();
    let status = |status| Fault::Answer {
        status,
        content_type: "application/json",
        body: answer.clone(),
    };
    vec![
        ("never answers", Fault::Silent, TIMED_OUT),
        (
            "slow drip",
            Fault::Drip {
                body: answer.clone(),
                chunk: 4,
                pause: Duration::from_millis(40),
            },
            TIMED_OUT,
        ),
        ("connection dropped", Fault::Hangup, &["the request to"]),
        ("500", status(500), &["answered 500"]),
        ("429", status(429), &["answered 429"]),
        ("503", status(503), &["answered 503"]),
        (
            "truncated body",
            Fault::Truncated {
                announced: answer.len(),
                body: answer[..answer.len() / 2].to_owned(),
            },
            &["reading the answer"],
        ),
        (
            "an HTML error page",
            Fault::Answer {
                status: 200,
                content_type: "text/html",
                body: "<html><body>Bad gateway</body></html>".to_owned(),
            },
            &["not a JSON object"],
        ),
        (
            "a huge body",
            Fault::json(format!("{answer}{}", " ".repeat(MAX_BODY))),
            &["larger than"],
        ),
        (
            "a redirect to another host",
            Fault::Answer {
                status: 307,
                content_type: "application/json",
                body: format!("see {}", elsewhere.url("/introspect")),
            },
            &["answered 307"],
        ),
        (
            "active missing",
            Fault::json(r#"{"scope": "order"}"#),
            &["no boolean `active`"],
        ),
        (
            "active a string",
            Fault::json(r#"{"active": "true"}"#),
            &["no boolean `active`"],
        ),
        (
            "a raw control character",
            Fault::json("{\"active\": true, \"sub\": \"a\u{0}b\"}"),
            &["not a JSON object"],
        ),
    ]
}

#[tokio::test]
async fn every_endpoint_failure_is_503_logged_and_healed() {
    let elsewhere = FaultServer::start(Fault::json(active_answer())).await;
    for (name, fault, cause) in faults(&elsewhere) {
        let server = FaultServer::start(fault).await;
        let validator = validator(server.url("/introspect"));
        let (logs, guard) = capture();
        let started = Instant::now();
        let retry_after = unavailable(&validator, TOKEN).await;
        assert!(retry_after >= Duration::from_secs(1), "{name}: {retry_after:?}");
        assert!(
            started.elapsed() < TIMEOUT * 4,
            "{name}: took {:?}",
            started.elapsed()
        );
        let error = validator.validate(TOKEN).await.expect_err(name);
        assert_eq!(
            (error.status(), error.label()),
            (503, "introspection_unavailable"),
            "{name}: a failure is never cached, and never turns into a 401"
        );
        let text = logs.text();
        drop(guard);
        assert!(text.contains("token introspection failed"), "{name}: {text}");
        assert!(
            cause.is_empty() || cause.iter().any(|cause| text.contains(cause)),
            "{name}: {text}"
        );
        assert!(!text.contains(TOKEN), "{name}: the token was logged");
        assert_eq!(elsewhere.requests(), 0, "{name}: a redirect was followed");

        server.set(Fault::json(active_answer()));
        let principal = validator
            .validate(TOKEN)
            .await
            .unwrap_or_else(|error| panic!("{name}: no recovery: {error:?}"));
        assert_eq!(principal.sub(), Some("alice"), "{name}");
        assert_eq!(principal.scopes().as_space_delimited(), "inventory:price order");
    }
}

#[tokio::test]
async fn a_refused_connection_is_503_and_recovers_when_the_endpoint_starts() {
    let addr = unused_addr().await;
    let validator = validator(format!("http://{addr}/introspect"));
    let (logs, _guard) = capture();
    unavailable(&validator, TOKEN).await;
    assert!(
        logs.text().contains("token introspection failed"),
        "{}",
        logs.text()
    );

    let _server = FaultServer::start_on(addr, Fault::json(active_answer())).await;
    validator
        .validate(TOKEN)
        .await
        .expect("the endpoint answers: recovered");
}

#[tokio::test]
async fn the_content_type_is_not_what_decides() {
    // Some endpoints label their JSON `text/plain`: the body decides.
    for content_type in ["text/plain", "application/octet-stream"] {
        let server = FaultServer::start(Fault::Answer {
            status: 200,
            content_type,
            body: active_answer(),
        })
        .await;
        let validator = validator(server.url("/introspect"));
        validator.validate(TOKEN).await.expect(content_type);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_during_an_outage_all_get_503_and_one_call_each_flight() {
    let server = FaultServer::start(Fault::Silent).await;
    let validator = validator(server.url("/introspect"));
    let callers: Vec<_> = (0..50)
        .map(|_| {
            let validator = validator.clone();
            tokio::spawn(async move { validator.validate(TOKEN).await })
        })
        .collect();
    for caller in callers {
        let error = caller.await.expect("no panic").expect_err("an outage");
        assert_eq!(error.status(), 503);
    }
    assert!(
        server.requests() < 50,
        "{} calls: concurrent callers share one call",
        server.requests()
    );
    server.set(Fault::json(active_answer()));
    validator.validate(TOKEN).await.expect("healed");
}
