//! SPEC §3.3: keys fetched over HTTP, from a JWKS URL or through discovery,
//! against a key server on 127.0.0.1.
#![cfg(feature = "remote-keys")]

#[path = "../../test-support/shared/clock.rs"]
mod clock;
mod remote_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clock::{ManualClock, eventually};
use remote_support::{KeyServer, Reply, ec_p256, ed25519, endless_body_server, jwks, rsa, unused_addr};
use scopeguard_core::AuthError;
use scopeguard_core::error::Unavailable;
use scopeguard_core::validation::keys::{
    JwksSource, JwksSourceBuilder, JwksSourceProblem, KeySet, KeySource,
};
use tokio::sync::Semaphore;

const TIMEOUT: Duration = Duration::from_millis(300);
const MAX_BODY: usize = 64 * 1024;

/// A source for `url` with short timeouts and no cooldown, so that every
/// `refresh()` fetches unless another fetch is in flight.
fn builder(url: impl Into<String>) -> JwksSourceBuilder {
    JwksSource::builder(url)
        .cooldown(Duration::ZERO)
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .max_body_size(MAX_BODY)
}

fn kids(set: &KeySet) -> Vec<&str> {
    let mut kids: Vec<&str> = set.iter().filter_map(|key| key.kid()).collect();
    kids.sort_unstable();
    kids
}

fn assert_unavailable(result: Result<Arc<KeySet>, Unavailable>) -> Duration {
    match result {
        Err(Unavailable::KeySet { retry_after }) => {
            assert!(
                retry_after >= Duration::from_secs(1),
                "Retry-After {retry_after:?}"
            );
            retry_after
        }
        other => panic!("expected the key set to be unavailable, got {other:?}"),
    }
}

// Rotation, single flight, cooldown.

#[tokio::test]
async fn an_unknown_kid_refresh_picks_up_a_rotated_key_set() {
    let server = KeyServer::start().await;
    server.serve("/jwks", Reply::json(jwks(&[ed25519("a")])));
    let source = builder(server.url("/jwks")).build().await.unwrap();
    let before = source.key_set().unwrap();
    assert_eq!(kids(&before), ["a"]);

    server.serve("/jwks", Reply::json(jwks(&[ed25519("a"), rsa("b")])));
    let rotated = source.refresh().await.unwrap();
    assert_eq!(kids(&rotated), ["a", "b"]);
    assert_eq!(kids(&source.key_set().unwrap()), ["a", "b"]);
    let kept = before.iter().next().unwrap();
    assert!(
        rotated.contains(kept),
        "an unchanged key keeps its identity across a refresh"
    );

    server.serve("/jwks", Reply::json(jwks(&[rsa("b")])));
    assert_eq!(kids(&source.refresh().await.unwrap()), ["b"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_refreshes_cause_one_fetch() {
    let server = KeyServer::start().await;
    server.serve("/jwks", Reply::json(jwks(&[ed25519("a")])));
    // The fetch waits at the gate for a while: give it time.
    let source = builder(server.url("/jwks"))
        .timeout(Duration::from_secs(5))
        .build()
        .await
        .unwrap();
    assert_eq!(server.hits("/jwks"), 1);

    let gate = Arc::new(Semaphore::new(0));
    server.serve(
        "/jwks",
        Reply::json(jwks(&[ed25519("a"), ec_p256("b")])).gated(Arc::clone(&gate)),
    );
    let asked = Arc::new(AtomicUsize::new(0));
    let callers: Vec<_> = (0..1000)
        .map(|_| {
            let source = source.clone();
            let asked = Arc::clone(&asked);
            tokio::spawn(async move {
                let refresh = source.refresh();
                asked.fetch_add(1, Ordering::SeqCst);
                refresh.await
            })
        })
        .collect();
    // The gate holds the one fetch until every caller has asked, so all of
    // them ask while it is in flight. A caller fetching on its own would
    // reach the key server before its refresh returns.
    eventually("every caller has asked for a refresh", || {
        asked.load(Ordering::SeqCst) == 1000
    })
    .await;
    eventually("the refresh reaches the key server", || server.hits("/jwks") == 2).await;

    gate.add_permits(1000);
    for caller in callers {
        let set = caller.await.unwrap().unwrap();
        assert_eq!(
            kids(&set),
            ["a", "b"],
            "every caller gets the result of the one fetch"
        );
    }
    assert_eq!(server.hits("/jwks"), 2, "no caller fetched on its own");
}

/// The clock stands still unless the test moves it: the cooldown's start
/// and end are exact.
#[tokio::test(start_paused = true)]
async fn the_cooldown_holds_under_a_flood_of_refreshes() {
    let _clock = ManualClock::hold();
    let cooldown = Duration::from_secs(30);
    let server = KeyServer::start().await;
    server.serve("/jwks", Reply::json(jwks(&[ed25519("a")])));
    let source = builder(server.url("/jwks"))
        .cooldown(cooldown)
        .build()
        .await
        .unwrap();
    // The first fetch does not start the cooldown: the first refresh fetches.
    server.serve("/jwks", Reply::json(jwks(&[ed25519("a"), rsa("b")])));
    assert_eq!(kids(&source.refresh().await.unwrap()), ["a", "b"]);
    assert_eq!(server.hits("/jwks"), 2);

    // That fetch did: a flood inside the cooldown fetches nothing, up to
    // its last millisecond.
    server.serve(
        "/jwks",
        Reply::json(jwks(&[ed25519("a"), rsa("b"), ec_p256("c")])),
    );
    let last_millisecond = cooldown.saturating_sub(Duration::from_millis(1));
    for at in [Duration::ZERO, last_millisecond] {
        // The clock has stood still since that fetch: now it is `at` after it.
        tokio::time::advance(at).await;
        let flood: Vec<_> = (0..500)
            .map(|_| {
                let source = source.clone();
                tokio::spawn(async move { source.refresh().await })
            })
            .collect();
        for caller in flood {
            assert_eq!(
                kids(&caller.await.unwrap().unwrap()),
                ["a", "b"],
                "{at:?} into the cooldown"
            );
        }
    }
    assert_eq!(server.hits("/jwks"), 2, "no fetch inside the cooldown");

    tokio::time::advance(Duration::from_millis(1)).await;
    assert_eq!(kids(&source.refresh().await.unwrap()), ["a", "b", "c"]);
    assert_eq!(kids(&source.refresh().await.unwrap()), ["a", "b", "c"]);
    assert_eq!(server.hits("/jwks"), 3, "one fetch once the cooldown is over");
}

// Stale-if-error and recovery.

#[tokio::test]
async fn a_key_server_down_after_warm_up_keeps_the_known_keys() {
    let mut server = KeyServer::start().await;
    server.serve("/jwks", Reply::json(jwks(&[ed25519("a")])));
    let source = builder(server.url("/jwks")).build().await.unwrap();
    server.stop().await;

    assert_eq!(kids(&source.refresh().await.unwrap()), ["a"]);
    assert_eq!(kids(&source.key_set().unwrap()), ["a"]);
}

#[tokio::test]
async fn a_key_server_down_from_the_start_is_503_and_recovers_without_restart() {
    let addr = unused_addr();
    let source = builder(format!("http://{addr}/jwks"))
        .retry_backoff(Duration::from_millis(100), Duration::from_millis(200))
        .build()
        .await
        .unwrap();
    let unavailable = source.key_set().unwrap_err();
    assert_unavailable(Err(unavailable));
    let error = AuthError::from(unavailable);
    assert_eq!((error.status(), error.label()), (503, "key_set_unavailable"));
    assert_unavailable(source.refresh().await);

    let server = KeyServer::start_on(addr).await;
    server.serve("/jwks", Reply::json(jwks(&[ed25519("a")])));
    eventually("the source recovers", || source.key_set().is_ok()).await;
    assert_eq!(kids(&source.key_set().unwrap()), ["a"]);
}

#[tokio::test]
async fn retry_after_is_the_time_to_the_next_attempt() {
    let server = KeyServer::start().await;
    server.serve("/jwks", Reply::status(500));
    let source = builder(server.url("/jwks"))
        .retry_backoff(Duration::from_secs(3), Duration::from_secs(10))
        .build()
        .await
        .unwrap();
    assert_eq!(assert_unavailable(source.key_set()), Duration::from_secs(3));
}

// Tolerant parsing.

#[tokio::test]
async fn unusable_keys_are_skipped_not_fatal() {
    let server = KeyServer::start().await;
    let encryption = r#"{"kty":"RSA","use":"enc","kid":"enc","e":"AQAB","n":"x46U2De9foFFvESpXwVNdVSTAaSwUYd0462HDC8jM3w"}"#;
    let unknown = r#"{"kty":"PQC","kid":"unknown","pub":"AAAA"}"#;
    let bad_modulus = r#"{"kty":"RSA","kid":"bad","e":"AQAB","n":"!!not base64url!!"}"#;
    server.serve(
        "/jwks",
        Reply::json(jwks(&[
            ed25519("a"),
            encryption.to_owned(),
            unknown.to_owned(),
            bad_modulus.to_owned(),
            ec_p256("c"),
            rsa("d"),
        ])),
    );
    let source = builder(server.url("/jwks")).build().await.unwrap();
    let set = source.key_set().unwrap();
    assert_eq!(kids(&set), ["a", "c", "d"]);
    assert_eq!(set.skipped().len(), 3);
}

#[tokio::test]
async fn a_fetched_empty_key_set_is_a_key_set() {
    let server = KeyServer::start().await;
    server.serve("/jwks", Reply::json(r#"{"keys": []}"#));
    let source = builder(server.url("/jwks")).build().await.unwrap();
    assert!(source.key_set().unwrap().is_empty());
    assert!(source.refresh().await.unwrap().is_empty());
}

// Background refresh: Cache-Control max-age within bounds.
//
// Each test reads the times at which the key server saw the fetches. A
// busy machine can only make a refresh late, never early, so the time
// between two fetches is checked against the expected period from below,
// exactly, and from above only loosely: well under the other periods a
// wrong rule would use (the configured interval, 60 s, or the other bound).

/// How much earlier than its period a refresh may come: the schedule keeps
/// whole milliseconds.
const SCHEDULE_RESOLUTION: Duration = Duration::from_millis(1);

/// How much later than its period a refresh may come on a busy machine;
/// the other periods each test tells apart are longer still.
const LATE_BY_AT_MOST: Duration = Duration::from_secs(8);

/// The times between the first `fetches` fetches of a source whose key
/// server answers `reply`, with a refresh interval of 60 s unless
/// `configure` changes it.
async fn refresh_periods(
    fetches: usize,
    reply: Reply,
    configure: fn(JwksSourceBuilder) -> JwksSourceBuilder,
) -> Vec<Duration> {
    let server = KeyServer::start().await;
    server.serve("/jwks", reply);
    let source = configure(builder(server.url("/jwks")).refresh_interval(Duration::from_secs(60)))
        .build()
        .await
        .expect("a valid configuration");
    eventually(&format!("{fetches} fetches"), || server.hits("/jwks") >= fetches).await;
    drop(source);
    let times = server.hit_times("/jwks");
    times
        .windows(2)
        .take(fetches - 1)
        .map(|pair| pair[1].saturating_duration_since(pair[0]))
        .collect()
}

/// Every period is `expected`, give or take a late wake-up.
fn assert_periods(periods: &[Duration], expected: Duration) {
    for period in periods {
        assert!(
            *period + SCHEDULE_RESOLUTION >= expected && *period < expected + LATE_BY_AT_MOST,
            "refreshed after {period:?}, expected {expected:?}; all: {periods:?}"
        );
    }
}

#[tokio::test]
async fn max_age_sets_the_background_refresh() {
    let reply = Reply::json(jwks(&[ed25519("a")])).header("cache-control", "public, max-age=1");
    let periods = refresh_periods(2, reply, |builder| {
        builder.max_age_bounds(Duration::from_millis(100), Duration::from_secs(30))
    })
    .await;
    assert_periods(&periods, Duration::from_secs(1));
}

#[tokio::test]
async fn max_age_is_clamped_to_the_maximum() {
    let reply = Reply::json(jwks(&[ed25519("a")])).header("cache-control", "max-age=3600");
    let periods = refresh_periods(3, reply, |builder| {
        builder.max_age_bounds(Duration::from_millis(50), Duration::from_millis(300))
    })
    .await;
    assert_periods(&periods, Duration::from_millis(300));
}

#[tokio::test]
async fn max_age_is_clamped_to_the_minimum() {
    let reply = Reply::json(jwks(&[ed25519("a")])).header("cache-control", "max-age=0");
    let periods = refresh_periods(3, reply, |builder| {
        builder.max_age_bounds(Duration::from_millis(300), Duration::from_secs(30))
    })
    .await;
    assert_periods(&periods, Duration::from_millis(300));
}

#[tokio::test]
async fn without_max_age_the_refresh_interval_applies() {
    let reply = Reply::json(jwks(&[ed25519("a")]));
    let periods = refresh_periods(3, reply, |builder| {
        builder
            .refresh_interval(Duration::from_millis(300))
            .max_age_bounds(Duration::from_millis(50), Duration::from_millis(100))
    })
    .await;
    assert_periods(&periods, Duration::from_millis(300));
}

/// The tasks alive on the test's runtime.
fn alive_tasks() -> usize {
    tokio::runtime::Handle::current().metrics().num_alive_tasks()
}

/// The clock stands still after the drop, so the background task cannot
/// wake for its next refresh: it ends because the source was dropped.
#[tokio::test(start_paused = true)]
async fn the_background_refresh_ends_when_the_source_is_dropped() {
    let _clock = ManualClock::hold();
    let server = KeyServer::start().await;
    server.serve("/jwks", Reply::json(jwks(&[ed25519("a")])));
    // Let the key server's task start everything it runs while idle.
    tokio::task::yield_now().await;
    let tasks_without_a_source = alive_tasks();
    let source = builder(server.url("/jwks"))
        .refresh_interval(Duration::from_millis(100))
        .build()
        .await
        .unwrap();
    for _ in 0..2 {
        // Each fetch stores a new key set, and schedules the next one first.
        let before = source.key_set().unwrap();
        tokio::time::advance(Duration::from_millis(100)).await;
        eventually("the background refresh runs", || {
            !Arc::ptr_eq(&before, &source.key_set().unwrap())
        })
        .await;
    }
    assert_eq!(server.hits("/jwks"), 3);
    assert!(alive_tasks() > tasks_without_a_source);

    drop(source);
    eventually("the source's tasks (background refresh, connections) end", || {
        alive_tasks() == tasks_without_a_source
    })
    .await;
    assert_eq!(server.hits("/jwks"), 3);
}

#[tokio::test]
async fn build_in_background_does_not_wait_for_the_first_fetch() {
    let server = KeyServer::start().await;
    let gate = Arc::new(Semaphore::new(0));
    server.serve(
        "/jwks",
        Reply::json(jwks(&[ed25519("a")])).gated(Arc::clone(&gate)),
    );

    let source = builder(server.url("/jwks"))
        .timeout(Duration::from_secs(5))
        .build_in_background()
        .unwrap();
    eventually("the first fetch starts", || server.hits("/jwks") == 1).await;
    assert_unavailable(source.key_set());

    gate.add_permits(1);
    eventually("the first fetch completes", || source.key_set().is_ok()).await;
    assert_eq!(server.hits("/jwks"), 1);
}

// Failed fetches: never a panic, the last good key set kept.

async fn failed_fetch_keeps_the_last_good_key_set(broken: impl Fn(&KeyServer) -> Reply) {
    let server = KeyServer::start().await;
    server.serve("/jwks", Reply::json(jwks(&[ed25519("a")])));
    server.serve("/moved", Reply::json(jwks(&[ed25519("a"), rsa("b")])));
    let source = builder(server.url("/jwks"))
        .build()
        .await
        .expect("a valid configuration");
    server.serve("/jwks", broken(&server));

    let started = Instant::now();
    let after = source.refresh().await.expect("the last good key set");
    assert!(started.elapsed() < TIMEOUT * 3, "took {:?}", started.elapsed());
    assert_eq!(server.hits("/jwks"), 2, "the refresh fetched");
    assert_eq!(kids(&after), ["a"]);
    assert_eq!(kids(&source.key_set().expect("the last good key set")), ["a"]);
    assert_eq!(server.hits("/moved"), 0, "redirects are not followed");
}

async fn failed_first_fetch_is_unavailable(broken: impl Fn(&KeyServer) -> Reply) {
    let server = KeyServer::start().await;
    server.serve("/moved", Reply::json(jwks(&[ed25519("a")])));
    server.serve("/jwks", broken(&server));
    let source = builder(server.url("/jwks"))
        .build()
        .await
        .expect("a valid configuration");
    assert_eq!(server.hits("/jwks"), 1);
    assert_unavailable(source.key_set());
    assert_unavailable(source.refresh().await);
    assert_eq!(server.hits("/jwks"), 2);
}

async fn is_a_failed_fetch(broken: impl Fn(&KeyServer) -> Reply) {
    failed_fetch_keeps_the_last_good_key_set(&broken).await;
    failed_first_fetch_is_unavailable(&broken).await;
}

#[tokio::test]
async fn malformed_json_is_a_failed_fetch() {
    is_a_failed_fetch(|_| Reply::json(r#"{"keys": [{"kty": "OKP""#)).await;
}

#[tokio::test]
async fn a_server_error_is_a_failed_fetch() {
    is_a_failed_fetch(|_| Reply::status(500)).await;
    is_a_failed_fetch(|_| Reply::status(503).body(jwks(&[rsa("b")]))).await;
}

#[tokio::test]
async fn too_many_requests_is_a_failed_fetch() {
    is_a_failed_fetch(|_| Reply::status(429).header("retry-after", "120")).await;
}

#[tokio::test]
async fn a_document_that_is_not_a_key_set_is_a_failed_fetch() {
    is_a_failed_fetch(|_| {
        Reply::json("<html><body>Sign in</body></html>").header("content-type", "text/html")
    })
    .await;
    is_a_failed_fetch(|_| Reply::json(r#"{"keys": {"kty": "RSA"}}"#)).await;
    is_a_failed_fetch(|_| Reply::json(r#"[{"kty": "OKP"}]"#)).await;
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_a_failed_fetch() {
    is_a_failed_fetch(|_| {
        let mut body = jwks(&[rsa("b")]);
        body.push_str(&" ".repeat(MAX_BODY));
        Reply::json(body)
    })
    .await;
}

#[tokio::test]
async fn an_endless_body_without_length_is_cut_at_the_size_limit() {
    let addr = endless_body_server().await;
    let started = Instant::now();
    let source = builder(format!("http://{addr}/jwks"))
        .timeout(Duration::from_secs(5))
        .build()
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert_unavailable(source.key_set());
}

#[tokio::test]
async fn a_redirect_is_a_failed_fetch() {
    is_a_failed_fetch(|server| Reply::redirect(server.url("/moved"))).await;
    is_a_failed_fetch(|server| Reply::redirect(server.url("/moved")).header("cache-control", "max-age=60"))
        .await;
}

#[tokio::test]
async fn a_slow_key_server_is_a_failed_fetch() {
    is_a_failed_fetch(|_| Reply::json(jwks(&[rsa("b")])).delayed(Duration::from_secs(3))).await;
}

#[tokio::test]
async fn an_injected_client_may_not_be_redirected_to_another_origin() {
    let elsewhere = KeyServer::start().await;
    elsewhere.serve("/jwks", Reply::json(jwks(&[ed25519("a")])));
    let server = KeyServer::start().await;
    server.serve("/jwks", Reply::redirect(elsewhere.url("/jwks")));
    server.serve("/same-origin", Reply::redirect(server.url("/moved")));
    server.serve("/moved", Reply::json(jwks(&[ed25519("a")])));
    let following = reqwest::Client::builder().build().unwrap();

    let source = builder(server.url("/jwks"))
        .client(following.clone())
        .build()
        .await
        .unwrap();
    assert_eq!(elsewhere.hits("/jwks"), 1, "the client followed the redirect");
    assert_unavailable(source.key_set());

    let source = builder(server.url("/same-origin"))
        .client(following)
        .build()
        .await
        .unwrap();
    assert_eq!(kids(&source.key_set().unwrap()), ["a"]);
}

// Discovery.

fn metadata(issuer: &str, jwks_uri: &str) -> Reply {
    Reply::json(format!(
        r#"{{"issuer":"{issuer}","jwks_uri":"{jwks_uri}","response_types_supported":["code"]}}"#
    ))
}

#[tokio::test]
async fn discovery_reads_the_openid_configuration_of_the_issuer() {
    let server = KeyServer::start().await;
    let issuer = server.url("");
    server.serve(
        "/.well-known/openid-configuration",
        metadata(&issuer, &server.url("/keys")),
    );
    server.serve("/keys", Reply::json(jwks(&[ed25519("a")])));

    let source = JwksSource::discover(&issuer)
        .timeout(TIMEOUT)
        .build()
        .await
        .unwrap();
    assert_eq!(kids(&source.key_set().unwrap()), ["a"]);
    assert_eq!(server.hits("/.well-known/oauth-authorization-server"), 0);
}

#[tokio::test]
async fn discovery_falls_back_to_rfc_8414_metadata() {
    let server = KeyServer::start().await;
    let issuer = server.url("/tenant");
    server.serve(
        "/.well-known/oauth-authorization-server/tenant",
        metadata(&issuer, &server.url("/tenant/keys")),
    );
    server.serve("/tenant/keys", Reply::json(jwks(&[ec_p256("a")])));

    let source = JwksSource::discover(&issuer)
        .timeout(TIMEOUT)
        .build()
        .await
        .unwrap();
    assert_eq!(kids(&source.key_set().unwrap()), ["a"]);
    assert_eq!(server.hits("/tenant/.well-known/openid-configuration"), 1);
}

#[tokio::test]
async fn discovery_naming_another_issuer_is_a_failed_fetch() {
    let server = KeyServer::start().await;
    let issuer = server.url("");
    server.serve(
        "/.well-known/openid-configuration",
        metadata("https://attacker.example", &server.url("/keys")),
    );
    // Not even a trailing slash may differ.
    server.serve(
        "/.well-known/oauth-authorization-server",
        metadata(&format!("{issuer}/"), &server.url("/keys")),
    );
    server.serve("/keys", Reply::json(jwks(&[ed25519("a")])));

    let source = JwksSource::discover(&issuer)
        .timeout(TIMEOUT)
        .build()
        .await
        .unwrap();
    assert_unavailable(source.key_set());
    assert_eq!(server.hits("/.well-known/oauth-authorization-server"), 1);
    assert_eq!(
        server.hits("/keys"),
        0,
        "no keys are taken from a mismatched document"
    );
}

#[tokio::test]
async fn discovery_is_read_again_while_no_key_set_was_obtained() {
    let server = KeyServer::start().await;
    let issuer = server.url("");
    server.serve(
        "/.well-known/openid-configuration",
        metadata(&issuer, &server.url("/old-keys")),
    );
    server.serve("/old-keys", Reply::status(404));

    let source = JwksSource::discover(&issuer)
        .timeout(TIMEOUT)
        .retry_backoff(Duration::from_millis(100), Duration::from_millis(200))
        .build()
        .await
        .unwrap();
    assert_unavailable(source.key_set());

    server.serve(
        "/.well-known/openid-configuration",
        metadata(&issuer, &server.url("/new-keys")),
    );
    server.serve("/new-keys", Reply::json(jwks(&[ed25519("a")])));
    eventually("the source recovers", || source.key_set().is_ok()).await;
    assert_eq!(kids(&source.key_set().unwrap()), ["a"]);
    assert!(server.hits("/.well-known/openid-configuration") >= 2);
}

#[tokio::test]
async fn discovery_failures_after_warm_up_keep_the_known_keys() {
    let server = KeyServer::start().await;
    let issuer = server.url("");
    server.serve(
        "/.well-known/openid-configuration",
        metadata(&issuer, &server.url("/keys")),
    );
    server.serve("/keys", Reply::json(jwks(&[ed25519("a")])));
    let source = JwksSource::discover(&issuer)
        .timeout(TIMEOUT)
        .cooldown(Duration::ZERO)
        .build()
        .await
        .unwrap();

    server.serve("/keys", Reply::status(500));
    server.serve("/.well-known/openid-configuration", Reply::status(500));
    assert_eq!(kids(&source.refresh().await.unwrap()), ["a"]);
    assert_eq!(kids(&source.refresh().await.unwrap()), ["a"]);
    assert_eq!(
        server.hits("/.well-known/openid-configuration"),
        2,
        "rediscovered after the failure"
    );
}

// Configuration.

#[tokio::test]
async fn a_bad_configuration_reports_every_problem_at_once() {
    let error = JwksSource::builder("jwks.json")
        .timeout(Duration::ZERO)
        .max_age_bounds(Duration::from_secs(10), Duration::from_secs(1))
        .max_body_size(0)
        .build_in_background()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [
            JwksSourceProblem::InvalidUrl { setting: "jwks_url" },
            JwksSourceProblem::InvertedBounds {
                setting: "max_age_bounds",
                min: Duration::from_secs(10),
                max: Duration::from_secs(1),
            },
            JwksSourceProblem::ZeroDuration { setting: "timeout" },
            JwksSourceProblem::ZeroBodySize,
        ]
    );
    let error = JwksSource::discover("https://idp.example.com/?tenant=a")
        .build_in_background()
        .unwrap_err();
    assert_eq!(error.problems(), [JwksSourceProblem::IssuerWithQueryOrFragment]);
    let error = JwksSource::discover("file:///etc/issuer")
        .build_in_background()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [JwksSourceProblem::InvalidUrl { setting: "issuer" }]
    );
}

#[test]
fn building_outside_a_tokio_runtime_is_a_configuration_error() {
    let error = JwksSource::builder("https://idp.example.com/jwks")
        .build_in_background()
        .unwrap_err();
    assert_eq!(error.problems(), [JwksSourceProblem::NoRuntime]);
}
