//! Fault injection for the key server (SPEC §3.3), the failures that
//! `remote_keys.rs` does not already inject: a slow drip, a truncated body,
//! a server that never answers (timeout), a dropped connection, a wrong
//! content type, and a JWKS whose keys all fail to parse. Each case checks,
//! through a `JwtValidator`, the status the SPEC asks for (503 while no key
//! set was obtained, 401 for a token no key verifies), a log line, no panic,
//! the last good key set kept after warm-up, and recovery once the key
//! server heals.
#![cfg(all(feature = "remote-keys", feature = "test-util"))]

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
#[path = "../../test-support/shared/fault_server.rs"]
mod fault_server;

use std::time::{Duration, Instant};

use captured_logs::capture;
use fault_server::{Fault, FaultServer};
use scopeguard_core::JwtValidator;
use scopeguard_core::test_util::TestIssuer;
use scopeguard_core::validation::keys::{JwksSource, KeySource};

const TIMEOUT: Duration = Duration::from_millis(300);
/// How a timeout is logged: the whole fetch's deadline, or the HTTP
/// client's own timeout while sending or reading (the same limit).
const TIMED_OUT: &[&str] = &["did not answer within", "timed out"];

async fn source(server: &FaultServer) -> JwksSource {
    JwksSource::builder(server.url("/jwks"))
        .cooldown(Duration::ZERO)
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .max_body_size(64 * 1024)
        .retry_backoff(Duration::from_millis(100), Duration::from_millis(200))
        .build()
        .await
        .expect("a valid configuration")
}

fn validator(issuer: &TestIssuer, source: JwksSource) -> JwtValidator {
    JwtValidator::builder()
        .issuer(issuer.issuer(), source)
        .audience(issuer.audience())
        .without_token_cache()
        .build()
        .expect("a valid configuration")
}

/// The faults that are failed fetches, and what the log says of each.
fn failed_fetches(issuer: &TestIssuer) -> Vec<(&'static str, Fault, &'static [&'static str])> {
    let jwks = issuer.jwks_json();
    vec![
        (
            "slow drip",
            Fault::Drip {
                body: jwks.clone(),
                chunk: 4,
                pause: Duration::from_millis(40),
            },
            TIMED_OUT,
        ),
        (
            "truncated body",
            Fault::Truncated {
                announced: jwks.len(),
                body: jwks[..jwks.len() / 2].to_owned(),
            },
            &["reading the answer"],
        ),
        ("never answers", Fault::Silent, TIMED_OUT),
        ("connection dropped", Fault::Hangup, &["the request to"]),
        (
            "an HTML sign-in page",
            Fault::Answer {
                status: 200,
                content_type: "text/html",
                body: "<html><body>Sign in</body></html>".to_owned(),
            },
            &["is not a JWK set"],
        ),
        (
            "503 with a key set body",
            Fault::Answer {
                status: 503,
                content_type: "application/json",
                body: jwks,
            },
            &["answered 503"],
        ),
    ]
}

#[tokio::test]
async fn a_failed_first_fetch_is_503_with_a_log_line_and_recovers_when_healed() {
    let issuer = TestIssuer::new();
    for (name, fault, cause) in failed_fetches(&issuer) {
        let server = FaultServer::start(fault).await;
        let (logs, _guard) = capture();
        let started = Instant::now();
        let validator = validator(&issuer, source(&server).await);
        let token = issuer.token().scopes("order").sign();

        let error = validator.validate(&token).await.expect_err(name);
        assert_eq!(
            (error.status(), error.label()),
            (503, "key_set_unavailable"),
            "{name}"
        );
        assert!(
            started.elapsed() < TIMEOUT * 4,
            "{name}: took {:?}",
            started.elapsed()
        );
        let text = logs.text();
        assert!(
            text.contains("fetching the key set failed") && cause.iter().any(|cause| text.contains(cause)),
            "{name}: {text}"
        );
        assert!(text.contains("no key set"), "{name}: {text}");
        assert!(!text.contains(&token), "{name}: the token was logged");

        server.set(Fault::json(issuer.jwks_json()));
        let principal = validator
            .validate(&token)
            .await
            .unwrap_or_else(|error| panic!("{name}: no recovery: {error:?}"));
        assert_eq!(principal.scopes().as_space_delimited(), "order");
    }
}

#[tokio::test]
async fn a_failed_refresh_after_warm_up_keeps_the_last_good_key_set() {
    let issuer = TestIssuer::new();
    for (name, fault, cause) in failed_fetches(&issuer) {
        let server = FaultServer::start(Fault::json(issuer.jwks_json())).await;
        let source = source(&server).await;
        let validator = validator(&issuer, source.clone());
        let token = issuer.token().scopes("order").sign();
        validator.validate(&token).await.expect("warm");

        server.set(fault);
        let (logs, _guard) = capture();
        let kept = source.refresh().await.expect("the last good key set");
        assert_eq!(kept.len(), 1, "{name}");
        assert_eq!(server.requests(), 2, "{name}: the refresh fetched");
        validator.validate(&token).await.expect("still valid");
        // A token of another key is still refused with 401, not 503.
        let stranger = TestIssuer::builder()
            .issuer(issuer.issuer())
            .audience(issuer.audience())
            .kid(issuer.kid())
            .build()
            .expect("an issuer");
        let forged = stranger.token().scopes("order").sign();
        let error = validator.validate(&forged).await.expect_err(name);
        assert_eq!(error.status(), 401, "{name}: {error:?}");
        let text = logs.text();
        assert!(
            text.contains("fetching the key set failed")
                && cause.iter().any(|cause| text.contains(cause))
                && text.contains("the last good key set"),
            "{name}: {text}"
        );
    }
}

#[tokio::test]
async fn a_key_set_whose_keys_all_fail_to_parse_is_an_empty_key_set() {
    let issuer = TestIssuer::new();
    let unusable = r#"{"keys": [
        {"kty": "RSA", "kid": "k1", "e": "AQAB", "n": "!!not base64url!!"},
        {"kty": "EC", "kid": "k2", "crv": "P-521", "x": "AA", "y": "AA"},
        {"kty": "OKP", "kid": "k3", "crv": "X25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        {"kty": "oct", "kid": "k4", "k": "c2VjcmV0"},
        {"kty": "RSA", "kid": "k5", "use": "enc", "e": "AQAB", "n": "AQAB"},
        {"kty": "PQC", "kid": "k6"},
        17, null, "key"
    ]}"#;
    let server = FaultServer::start(Fault::json(unusable)).await;
    let (logs, _guard) = capture();
    let source = source(&server).await;
    let set = source.key_set().expect("a fetched key set, although empty");
    assert!(set.is_empty());
    assert_eq!(set.skipped().len(), 9);
    assert!(
        logs.text().contains("fetched the key set") && logs.text().contains("skipped=9"),
        "{}",
        logs.text()
    );
    assert!(
        logs.text()
            .lines()
            .any(|line| line.contains("WARN") && line.contains("none of whose keys can verify")),
        "{}",
        logs.text()
    );

    // Tokens are 401: nothing verifies them, but the key server answered.
    let validator = validator(&issuer, source);
    let token = issuer.token().scopes("order").sign();
    let error = validator.validate(&token).await.expect_err("no usable key");
    assert_eq!((error.status(), error.label()), (401, "unknown_key"));

    // The unknown kid asks for a refresh, which finds the healed key set.
    server.set(Fault::json(issuer.jwks_json()));
    validator.validate(&token).await.expect("recovered");
}

#[tokio::test]
async fn the_content_type_is_not_what_decides() {
    // Key servers label JWKS documents `application/jwk-set+json`,
    // `application/json` or `text/plain`: the body decides.
    let issuer = TestIssuer::new();
    for content_type in [
        "text/plain",
        "application/jwk-set+json",
        "application/octet-stream",
    ] {
        let server = FaultServer::start(Fault::Answer {
            status: 200,
            content_type,
            body: issuer.jwks_json(),
        })
        .await;
        let validator = validator(&issuer, source(&server).await);
        let token = issuer.token().scopes("order").sign();
        validator.validate(&token).await.expect(content_type);
    }
}

#[tokio::test]
async fn a_flapping_key_server_never_makes_a_valid_token_fail_after_warm_up() {
    let issuer = TestIssuer::new();
    let server = FaultServer::start(Fault::json(issuer.jwks_json())).await;
    let source = source(&server).await;
    let validator = validator(&issuer, source.clone());
    let token = issuer.token().scopes("order").sign();
    let faults = failed_fetches(&issuer);
    for round in 0..3 {
        for (name, fault, _) in &faults {
            server.set(fault.clone());
            source.refresh().await.expect("the last good key set");
            validator
                .validate(&token)
                .await
                .unwrap_or_else(|error| panic!("round {round}, {name}: {error:?}"));
            server.set(Fault::json(issuer.jwks_json()));
            source.refresh().await.expect("healed");
        }
    }
}
