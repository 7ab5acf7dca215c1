//! The JWT validator with keys from a JWKS served on loopback (SPEC §3.3):
//! rotation, refresh storms, and a key server that goes down.

#[path = "../../test-support/shared/clock.rs"]
mod clock;
#[allow(dead_code, reason = "this file uses part of the key server")]
mod remote_support;
mod support;

use std::time::Duration;

use clock::{ManualClock, eventually};
use futures_util_free::join_all;
use remote_support::{KeyServer, Reply, unused_addr};
use scopeguard_core::error::{InvalidToken, Unavailable};
use scopeguard_core::validation::jwt::{Algorithm, JwtValidator};
use scopeguard_core::validation::keys::{JwksSource, JwksSourceBuilder, KeySource};
use scopeguard_core::{AuthError, TokenValidator};
use serde_json::json;
use support::{AUDIENCE, ISSUER, Signer, claims};

const JWKS: &str = "/jwks.json";

/// `join_all` over tokio tasks, without another dependency.
mod futures_util_free {
    pub(crate) async fn join_all<T: Send + 'static>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
        let mut results = Vec::with_capacity(tasks.len());
        for task in tasks {
            results.push(task.await.expect("the task ends"));
        }
        results
    }
}

fn jwks(signers: &[&Signer]) -> String {
    json!({"keys": signers.iter().map(|signer| signer.public_jwk()).collect::<Vec<_>>()}).to_string()
}

/// A key source for the server's JWKS with short timeouts; the cooldown and
/// the refresh interval are the library's defaults unless `tune` sets them.
async fn validator_tuned(
    server: &KeyServer,
    tune: impl FnOnce(JwksSourceBuilder) -> JwksSourceBuilder,
) -> JwtValidator {
    let builder = JwksSource::builder(server.url(JWKS))
        .timeout(Duration::from_secs(2))
        .connect_timeout(Duration::from_secs(2))
        .retry_backoff(Duration::from_millis(50), Duration::from_millis(200));
    let keys = tune(builder).build().await.expect("a valid key source");
    JwtValidator::builder()
        .issuer(ISSUER, keys)
        .audience(AUDIENCE)
        .without_token_cache()
        .build()
        .expect("a valid validator")
}

async fn validator(server: &KeyServer, cooldown: Duration) -> JwtValidator {
    validator_tuned(server, |builder| builder.cooldown(cooldown)).await
}

async fn rejection(validator: &JwtValidator, token: &str) -> Option<AuthError> {
    validator.validate(token).await.err()
}

const UNKNOWN_KEY: Option<AuthError> = Some(AuthError::InvalidToken(InvalidToken::UnknownKey));

fn fresh_claims(n: u64) -> serde_json::Value {
    let mut claims = claims();
    claims["jti"] = json!(n);
    claims
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_right_after_warm_up_is_picked_up_on_the_first_request_with_the_new_kid() {
    let old = Signer::rsa(Algorithm::RS256).with_kid(Some("old"));
    let new = Signer::p256().with_kid(Some("new"));
    let server = KeyServer::start().await;
    server.serve(JWKS, Reply::json(jwks(&[&old])));
    // The default cooldown (30 s): the first fetch does not start it.
    let validator = validator_tuned(&server, |builder| builder).await;
    assert!(validator.validate(&old.sign(&claims())).await.is_ok());
    assert_eq!(server.hits(JWKS), 1);

    server.serve(JWKS, Reply::json(jwks(&[&old, &new])));
    let principal = validator
        .validate(&new.sign(&claims()))
        .await
        .expect("the new key verifies");
    assert_eq!(principal.sub(), Some("alice"));
    assert_eq!(server.hits(JWKS), 2);

    // That unknown-kid fetch started the cooldown: another unknown kid
    // inside it causes no fetch, even though the server now has its key.
    let newer = Signer::ed25519().with_kid(Some("newer"));
    server.serve(JWKS, Reply::json(jwks(&[&old, &new, &newer])));
    assert_eq!(rejection(&validator, &newer.sign(&claims())).await, UNKNOWN_KEY);
    let stranger = Signer::ed25519().with_kid(Some("stranger"));
    assert_eq!(
        rejection(&validator, &stranger.sign(&claims())).await,
        UNKNOWN_KEY
    );
    assert_eq!(server.hits(JWKS), 2);
    assert!(validator.validate(&new.sign(&fresh_claims(1))).await.is_ok());
}

/// The clock stands still unless the test moves it: the background refresh
/// runs when the test says, and the unknown kid comes at the very instant
/// it completed, inside any cooldown it could have started.
#[tokio::test(start_paused = true)]
async fn a_background_refresh_does_not_start_the_cooldown() {
    let _clock = ManualClock::hold();
    let old = Signer::rsa(Algorithm::RS256).with_kid(Some("old"));
    let other = Signer::ed25519().with_kid(Some("other"));
    let new = Signer::p256().with_kid(Some("new"));
    let server = KeyServer::start().await;
    // The first answer is fresh for a minute; the background refresh's
    // answer for an hour, so no later scheduled fetch interferes.
    server.serve(JWKS, Reply::json(jwks(&[&old])));
    let keys = JwksSource::builder(server.url(JWKS))
        .refresh_interval(Duration::from_secs(60))
        .max_age_bounds(Duration::from_secs(1), Duration::from_secs(3600))
        .build()
        .await
        .expect("a valid key source");
    server.serve(
        JWKS,
        Reply::json(jwks(&[&old, &other])).header("cache-control", "max-age=3600"),
    );
    tokio::time::advance(Duration::from_secs(60)).await;
    eventually("the background refresh ran", || {
        keys.key_set().is_ok_and(|set| set.has_kid("other"))
    })
    .await;
    assert_eq!(server.hits(JWKS), 2);
    let validator = JwtValidator::builder()
        .issuer(ISSUER, keys)
        .audience(AUDIENCE)
        .build()
        .expect("a valid validator");

    // Within the default cooldown of that fetch, a new kid still fetches.
    server.serve(JWKS, Reply::json(jwks(&[&old, &other, &new])));
    assert!(validator.validate(&new.sign(&claims())).await.is_ok());
    assert_eq!(server.hits(JWKS), 3, "the unknown kid fetched at once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_unknown_kids_cause_one_fetch() {
    let known = Signer::ed25519().with_kid(Some("known"));
    let server = KeyServer::start().await;
    server.serve(
        JWKS,
        Reply::json(jwks(&[&known])).delayed(Duration::from_millis(200)),
    );
    // The default cooldown: the first fetch does not start it.
    let validator = std::sync::Arc::new(validator_tuned(&server, |builder| builder).await);
    let before = server.hits(JWKS);
    assert_eq!(before, 1);

    let kids: Vec<&'static str> = (0..1000).map(|n| &*format!("kid-{n}").leak()).collect();
    let tasks = kids
        .into_iter()
        .map(|kid| {
            let validator = std::sync::Arc::clone(&validator);
            let token = Signer::ed25519().with_kid(Some(kid)).sign(&claims());
            tokio::spawn(async move { validator.validate(&token).await })
        })
        .collect();
    let results = join_all(tasks).await;
    assert!(
        results
            .iter()
            .all(|result| result.as_ref().err() == Some(&AuthError::InvalidToken(InvalidToken::UnknownKey)))
    );
    assert_eq!(server.hits(JWKS) - before, 1, "one fetch for the whole storm");

    // The cooldown holds: another flood, each token with a kid never seen
    // before, fetches nothing.
    let flood = (1000..1050)
        .map(|n| {
            let validator = std::sync::Arc::clone(&validator);
            let kid = &*format!("kid-{n}").leak();
            let token = Signer::ed25519().with_kid(Some(kid)).sign(&fresh_claims(n));
            tokio::spawn(async move { validator.validate(&token).await.err() })
        })
        .collect();
    assert!(join_all(flood).await.iter().all(|result| *result == UNKNOWN_KEY));
    assert_eq!(server.hits(JWKS) - before, 1, "no fetch inside the cooldown");
    // Known keys are unaffected.
    assert!(validator.validate(&known.sign(&claims())).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_server_down_after_warm_up_keeps_known_keys_working() {
    let signer = Signer::rsa(Algorithm::PS256).with_kid(Some("rsa"));
    let mut server = KeyServer::start().await;
    server.serve(JWKS, Reply::json(jwks(&[&signer])));
    let validator = validator(&server, Duration::ZERO).await;
    server.stop().await;
    for n in 0..3 {
        assert!(validator.validate(&signer.sign(&fresh_claims(n))).await.is_ok());
    }
    // An unknown kid now triggers a failed refresh: still a 401, not a 503.
    let stranger = Signer::p256().with_kid(Some("stranger"));
    assert_eq!(
        validator.validate(&stranger.sign(&claims())).await.err(),
        Some(AuthError::InvalidToken(InvalidToken::UnknownKey))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_server_down_from_the_start_is_503_and_recovers_without_restart() {
    let signer = Signer::ed25519().with_kid(Some("ed"));
    let addr = unused_addr();
    let keys = JwksSource::builder(format!("http://{addr}{JWKS}"))
        .cooldown(Duration::ZERO)
        .timeout(Duration::from_secs(1))
        .connect_timeout(Duration::from_secs(1))
        .retry_backoff(Duration::from_millis(50), Duration::from_millis(100))
        .build()
        .await
        .expect("a key source even without a key server");
    let validator = JwtValidator::builder()
        .issuer(ISSUER, keys)
        .audience(AUDIENCE)
        .build()
        .expect("a validator");
    let token = signer.sign(&claims());
    match validator.validate(&token).await {
        Err(AuthError::Unavailable(Unavailable::KeySet { retry_after })) => {
            assert!(retry_after >= Duration::from_secs(1));
        }
        other => panic!("expected 503, got {other:?}"),
    }

    let server = KeyServer::start_on(addr).await;
    server.serve(JWKS, Reply::json(jwks(&[&signer])));
    let mut recovered = false;
    for _ in 0..50 {
        if validator.validate(&token).await.is_ok() {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(recovered, "the validator recovers once the key server answers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_unusable_jwk_does_not_spoil_the_set() {
    let signer = Signer::p384().with_kid(Some("p384"));
    let server = KeyServer::start().await;
    let document = json!({"keys": [
        {"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"},
        {"kty": "EC", "crv": "P-521", "kid": "p521", "x": "AA", "y": "AA"},
        {"kty": "RSA", "use": "enc", "kid": "enc", "n": "AQAB", "e": "AQAB"},
        signer.public_jwk(),
    ]});
    server.serve(JWKS, Reply::json(document.to_string()));
    let validator = validator(&server, Duration::ZERO).await;
    assert!(validator.validate(&signer.sign(&claims())).await.is_ok());
}

/// SPEC §3.3 "keys with bad parameters are skipped": a key whose parameters
/// have the wrong length for its type cannot verify anything, and must not
/// make the kid-less choice of SPEC §3.2 ambiguous either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_with_bad_parameters_do_not_make_kidless_selection_ambiguous() {
    let signer = Signer::p384().with_kid(None);
    let server = KeyServer::start().await;
    let document = json!({"keys": [
        // P-384 coordinates of one byte, a 17-bit RSA modulus, a 3-byte Ed25519 key.
        {"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"},
        {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
        {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"},
        signer.public_jwk(),
    ]});
    server.serve(JWKS, Reply::json(document.to_string()));
    let validator = validator(&server, Duration::ZERO).await;
    assert!(validator.validate(&signer.sign(&claims())).await.is_ok());
}
