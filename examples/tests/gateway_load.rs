//! A bounded load run through the gateway: a few hundred concurrent
//! requests with mixed tokens (JWTs and opaque ones; valid, expired,
//! inactive, lacking the scope, none), and not one wrong decision: each
//! answer is the one SPEC §4 gives, exactly the allowed requests reach an
//! upstream, each with the token its mode says.
//!
//! `GATEWAY_LOAD_REQUESTS` (default 600) and `GATEWAY_LOAD_CONCURRENCY`
//! (default 64) size the run.

mod gateway_support;

use std::collections::HashMap;
use std::sync::Arc;

use gateway_support::Setup;
use gateway_support::introspection_server::Reply;
use reqwest::StatusCode;
use serde_json::json;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// One kind of request of the mix: path, token, the status it must get,
/// and the `Authorization` its upstream must see when it is let through.
#[derive(Debug, Clone)]
struct Kind {
    name: &'static str,
    path: &'static str,
    token: Option<String>,
    status: StatusCode,
    forwarded: Option<String>,
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// The mix: one request of each kind in turn.
fn mix(setup: &Setup) -> Vec<Kind> {
    let kind = |name, path, token: Option<&str>, status, forwarded: Option<&str>| Kind {
        name,
        path,
        token: token.map(str::to_owned),
        status,
        forwarded: forwarded.map(|token| format!("Bearer {token}")),
    };
    let reader = setup.jwt("order");
    let phantom = setup.opaque("opaque-reader", "report:read");
    setup.opaque("opaque-no-scope", "order");
    let inactive = setup.signed_answer(&json!({"active": false}));
    setup
        .introspection
        .reply("opaque-revoked", Reply::jwt(inactive.clone()));
    // The authorization server knows no opaque token of that value.
    setup.introspection.reply(&reader, Reply::jwt(inactive));
    let expired = setup.issuer.token().scopes("order").expired().sign();
    vec![
        kind(
            "jwt reader",
            "/orders/1",
            Some(&reader),
            StatusCode::OK,
            Some(&reader),
        ),
        kind(
            "jwt without the scope",
            "/orders/1",
            Some(&setup.jwt("inventory")),
            StatusCode::FORBIDDEN,
            None,
        ),
        kind(
            "expired jwt",
            "/orders/1",
            Some(&expired),
            StatusCode::UNAUTHORIZED,
            None,
        ),
        kind("no token", "/orders/1", None, StatusCode::UNAUTHORIZED, None),
        kind(
            "opaque reader",
            "/reports/daily",
            Some("opaque-reader"),
            StatusCode::OK,
            Some(&phantom),
        ),
        kind(
            "opaque without the scope",
            "/reports/daily",
            Some("opaque-no-scope"),
            StatusCode::FORBIDDEN,
            None,
        ),
        kind(
            "opaque revoked",
            "/reports/daily",
            Some("opaque-revoked"),
            StatusCode::UNAUTHORIZED,
            None,
        ),
        kind(
            "a jwt at a phantom upstream",
            "/reports/daily",
            Some(&reader),
            StatusCode::UNAUTHORIZED,
            None,
        ),
        kind("public", "/health", Some("anything"), StatusCode::OK, None),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounded_load_with_mixed_tokens_gets_every_decision_right() {
    let requests = setting("GATEWAY_LOAD_REQUESTS", 600);
    let concurrency = setting("GATEWAY_LOAD_CONCURRENCY", 64);
    let setup = Arc::new(Setup::start().await);
    let kinds = mix(&setup);

    let limit = Arc::new(Semaphore::new(concurrency));
    let mut tasks = JoinSet::new();
    for index in 0..requests {
        let kind = kinds[index % kinds.len()].clone();
        let setup = Arc::clone(&setup);
        let permit = Arc::clone(&limit).acquire_owned().await.unwrap();
        tasks.spawn(async move {
            let mut request = setup
                .client
                .get(setup.url(kind.path))
                .header("x-request-id", index.to_string());
            if let Some(token) = &kind.token {
                request = request.bearer_auth(token);
            }
            let status = request.send().await.expect("an answer").status();
            drop(permit);
            (index, kind.name, status, kind.status)
        });
    }
    let mut wrong = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (index, name, status, expected) = done.unwrap();
        if status != expected {
            wrong.push(format!("#{index} {name}: {status}, expected {expected}"));
        }
    }
    assert!(wrong.is_empty(), "{} wrong decisions: {wrong:?}", wrong.len());

    // Exactly the allowed requests reached an upstream, with their token.
    let mut reached: HashMap<usize, Option<String>> = HashMap::new();
    for seen in [setup.orders.seen(), setup.reports.seen(), setup.status.seen()].concat() {
        let index = seen.headers["x-request-id"].to_str().unwrap().parse().unwrap();
        let previous = reached.insert(index, seen.authorization().map(str::to_owned));
        assert!(previous.is_none(), "#{index} forwarded twice");
    }
    for index in 0..requests {
        let kind = &kinds[index % kinds.len()];
        if kind.status == StatusCode::OK {
            assert_eq!(
                reached.get(&index),
                Some(&kind.forwarded),
                "#{index} {}",
                kind.name
            );
        } else {
            assert!(
                !reached.contains_key(&index),
                "#{index} {} reached an upstream",
                kind.name
            );
        }
    }
}
