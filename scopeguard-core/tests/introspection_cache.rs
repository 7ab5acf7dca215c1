//! SPEC §3.5: the introspection answer cache (keyed by a hash of the token,
//! bounded in bytes, never past `exp` or the TTL, inactive answers briefly,
//! failures never) and single flight per token, against an introspection
//! endpoint on 127.0.0.1.
#![cfg(feature = "introspection")]

#[path = "../../test-support/shared/clock.rs"]
#[allow(dead_code, reason = "this file uses the manual clock only")]
mod clock;
#[path = "../../test-support/shared/introspection_server.rs"]
mod introspection_server;

use std::task::Poll;
use std::time::Duration;

use clock::ManualClock;
use introspection_server::{IntrospectionServer, Reply, active, now, rejection};
use scopeguard_core::error::{InvalidToken, Unavailable};
use scopeguard_core::{AuthError, Principal, TokenValidator};
use serde_json::json;

#[tokio::test]
async fn a_token_reused_is_introspected_once() {
    let server = IntrospectionServer::start().await;
    server.reply("opaque", active(json!({})));
    let validator = server.validator();
    let first = validator.validate("opaque").await.unwrap();
    let second = validator.clone().validate("opaque").await.unwrap();
    assert_eq!(server.calls("opaque"), 1);
    assert!(Principal::ptr_eq(&first, &second));
}

#[tokio::test]
async fn without_the_cache_every_validation_asks_the_endpoint() {
    let server = IntrospectionServer::start().await;
    server.reply("opaque", active(json!({})));
    let validator = server.builder().without_cache().build().unwrap();
    validator.validate("opaque").await.unwrap();
    validator.validate("opaque").await.unwrap();
    assert_eq!(server.calls("opaque"), 2);
}

/// The clock stands still unless the test moves it: the TTL ends exactly.
#[tokio::test(start_paused = true)]
async fn an_active_answer_is_cached_no_longer_than_the_ttl() {
    let _clock = ManualClock::hold();
    let ttl = Duration::from_secs(60);
    let server = IntrospectionServer::start().await;
    server.reply("opaque", active(json!({})));
    let validator = server.builder().cache_ttl(ttl).build().unwrap();
    validator.validate("opaque").await.unwrap();
    tokio::time::advance(ttl.saturating_sub(Duration::from_millis(1))).await;
    validator.validate("opaque").await.unwrap();
    assert_eq!(server.calls("opaque"), 1, "served from the cache within the TTL");
    tokio::time::advance(Duration::from_millis(1)).await;
    server.reply("opaque", Reply::json(r#"{"active": false}"#));
    assert_eq!(rejection(&validator, "opaque").await, InvalidToken::Inactive);
    assert_eq!(server.calls("opaque"), 2, "asked again at the end of the TTL");
}

#[tokio::test]
async fn the_cache_never_serves_an_active_answer_at_or_past_its_exp() {
    let server = IntrospectionServer::start().await;
    // `exp` is in whole seconds of the system clock, which no test can
    // stop: two seconds from now is at least one whole second away, far
    // more than the two validations before it take.
    let exp = now() + 2;
    server.reply("short-lived", active(json!({"exp": exp})));
    let validator = server.builder().leeway(Duration::ZERO).build().unwrap();
    validator.validate("short-lived").await.unwrap();
    validator.validate("short-lived").await.unwrap();
    assert_eq!(server.calls("short-lived"), 1, "cached before exp");
    while now() < exp {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(rejection(&validator, "short-lived").await, InvalidToken::Expired);
    assert_eq!(server.calls("short-lived"), 2, "asked again at exp");
}

/// The clock stands still unless the test moves it: the TTL ends exactly.
#[tokio::test(start_paused = true)]
async fn an_inactive_answer_is_cached_briefly() {
    let _clock = ManualClock::hold();
    let ttl = Duration::from_secs(10);
    let server = IntrospectionServer::start().await;
    server.reply("revoked", Reply::json(r#"{"active": false}"#));
    let validator = server.builder().negative_cache_ttl(ttl).build().unwrap();
    assert_eq!(rejection(&validator, "revoked").await, InvalidToken::Inactive);
    tokio::time::advance(ttl.saturating_sub(Duration::from_millis(1))).await;
    assert_eq!(rejection(&validator, "revoked").await, InvalidToken::Inactive);
    assert_eq!(server.calls("revoked"), 1, "remembered within the TTL");
    tokio::time::advance(Duration::from_millis(1)).await;
    assert_eq!(rejection(&validator, "revoked").await, InvalidToken::Inactive);
    assert_eq!(server.calls("revoked"), 2, "asked again at the end of the TTL");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_validations_of_one_token_make_one_call() {
    let server = IntrospectionServer::start().await;
    server.reply("popular", active(json!({})).after(Duration::from_millis(200)));
    // A timeout well above the reply's delay, so a loaded machine cannot
    // turn the shared call into a timeout.
    let validator = server.builder().timeout(Duration::from_secs(5)).build().unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let validator = validator.clone();
            tokio::spawn(async move { validator.validate("popular").await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(server.calls("popular"), 1);
}

/// Every validation starts, and so joins the call under way, before the
/// endpoint can answer: the runtime's one thread is busy starting them.
#[tokio::test]
async fn concurrent_validations_of_one_token_share_a_failure_without_caching_it() {
    let server = IntrospectionServer::start().await;
    server.reply("token", Reply::status(500));
    let validator = server.validator();
    let mut validations: Vec<_> = (0..20).map(|_| Box::pin(validator.validate("token"))).collect();
    std::future::poll_fn(|context| {
        for validation in &mut validations {
            assert!(validation.as_mut().poll(context).is_pending());
        }
        Poll::Ready(())
    })
    .await;
    for validation in validations {
        assert!(matches!(
            validation.await,
            Err(AuthError::Unavailable(Unavailable::Introspection { .. }))
        ));
    }
    assert_eq!(server.calls("token"), 1);
    server.reply("token", active(json!({})));
    validator.validate("token").await.unwrap();
    assert_eq!(server.calls("token"), 2);
}

/// Validates `token-0` .. `token-{count - 1}` once each, in order.
async fn validate_each(validator: &impl TokenValidator, count: usize) {
    for index in 0..count {
        validator
            .validate(&format!("token-{index}"))
            .await
            .unwrap_or_else(|error| panic!("token-{index}: {error:?}"));
    }
}

/// The endpoint calls made so far for `token-0` .. `token-{count - 1}`.
fn calls_for_all(server: &IntrospectionServer, count: usize) -> usize {
    (0..count)
        .map(|index| server.calls(&format!("token-{index}")))
        .sum()
}

#[tokio::test]
async fn a_cache_bounded_in_bytes_evicts_large_answers_and_asks_the_endpoint_again() {
    const TOKENS: usize = 40;
    // Each answer holds about 2 KiB of claims: a 16 KiB cache keeps at most 8.
    const MAX_BYTES: u64 = 16 * 1024;
    const MOST_KEPT: usize = 8;
    let server = IntrospectionServer::start().await;
    for index in 0..TOKENS {
        let padding = format!("{index:04}").repeat(500);
        server.reply(&format!("token-{index}"), active(json!({"padding": padding})));
    }

    let bounded = server.builder().cache_max_bytes(MAX_BYTES).build().unwrap();
    bounded.validate("token-0").await.unwrap();
    bounded.validate("token-0").await.unwrap();
    assert_eq!(server.calls("token-0"), 1, "one large answer fits and is served");
    validate_each(&bounded, TOKENS).await;
    let first_pass = calls_for_all(&server, TOKENS);
    assert!(first_pass >= TOKENS, "{first_pass}");
    validate_each(&bounded, TOKENS).await;
    let second_pass = calls_for_all(&server, TOKENS) - first_pass;
    assert!(
        second_pass >= TOKENS - MOST_KEPT,
        "{second_pass} new calls: evicted answers are asked again"
    );

    // The same answers with the default bound (16 MiB) all stay cached.
    let roomy = server.validator();
    validate_each(&roomy, TOKENS).await;
    let before = calls_for_all(&server, TOKENS);
    validate_each(&roomy, TOKENS).await;
    assert_eq!(calls_for_all(&server, TOKENS), before, "no eviction, no new call");
}
