//! The cache of exchanged tokens and single-flight (SPEC §3.8), against a
//! token endpoint over HTTP on loopback: keys (never shared between callers
//! or scopes), expiry at min(exp) − 30 s, one call for a hundred concurrent
//! exchanges, failures never cached, `invalid_grant` briefly.
#![cfg(all(feature = "token-exchange", feature = "test-util"))]

mod token_exchange_support;

use std::time::Duration;

use scopeguard_core::downstream::{ExchangeErrorKind, TokenExchanger};
use scopeguard_core::error::DenialRenderer;
use token_exchange_support::{
    Behaviour, CLIENT_ID, CLIENT_SECRET, TokenEndpointServer, caller, caller_for, exchanger,
};

#[tokio::test]
async fn two_callers_never_share_an_exchanged_token() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server).build().unwrap();
    let alice = caller(&server, "alice", "order").await;
    let bob = caller(&server, "bob", "order:shipping").await;

    let for_alice = exchanger.exchange(&alice).await.unwrap();
    let for_bob = exchanger.exchange(&bob).await.unwrap();
    assert_eq!(server.calls(), 2);
    assert_ne!(for_alice.access_token(), for_bob.access_token());
    let bob_downstream = server
        .issuer()
        .validator_builder()
        .audience("https://shipping.test")
        .build()
        .unwrap()
        .validate(for_bob.access_token())
        .await
        .unwrap();
    assert_eq!(bob_downstream.sub(), Some("bob"));
}

#[tokio::test]
async fn one_caller_asking_for_other_scopes_gets_another_token() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server).build().unwrap();
    let alice = caller(&server, "alice", "order").await;

    let shipping = exchanger.exchange(&alice).await.unwrap();
    let items = exchanger
        .exchange_for(&alice, &"order:item".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(server.calls(), 2);
    assert_ne!(shipping.access_token(), items.access_token());
    assert_eq!(items.scope().unwrap().as_space_delimited(), "order:item");
}

#[tokio::test]
async fn the_same_caller_and_scopes_share_one_token() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server).build().unwrap();
    let alice = caller(&server, "alice", "order").await;

    let first = exchanger.exchange(&alice).await.unwrap();
    let second = exchanger.exchange(&alice).await.unwrap();
    assert_eq!(server.calls(), 1);
    assert_eq!(first.access_token(), second.access_token());
}

#[tokio::test]
async fn a_token_is_kept_until_thirty_seconds_before_the_subject_expires() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server).build().unwrap();

    // Expires in 31 s: kept for about one second.
    let alice = caller_for(&server, "alice", "order", Duration::from_secs(31)).await;
    exchanger.exchange(&alice).await.unwrap();
    exchanger.exchange(&alice).await.unwrap();
    assert_eq!(server.calls(), 1, "served from the cache before min(exp) - 30 s");
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    exchanger.exchange(&alice).await.unwrap();
    assert_eq!(server.calls(), 2, "asked again after min(exp) - 30 s");

    // Expires in 25 s: never kept.
    let bob = caller_for(&server, "bob", "order", Duration::from_secs(25)).await;
    exchanger.exchange(&bob).await.unwrap();
    exchanger.exchange(&bob).await.unwrap();
    assert_eq!(server.calls(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_exchanges_make_one_call() {
    let server = TokenEndpointServer::start().await;
    server.delay(Duration::from_millis(300));
    let exchanger = exchanger(&server).build().unwrap();
    let alice = caller(&server, "alice", "order").await;

    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let exchanger = exchanger.clone();
            let alice = alice.clone();
            tokio::spawn(async move {
                exchanger
                    .exchange(&alice)
                    .await
                    .map(|token| token.access_token().to_owned())
            })
        })
        .collect();
    let mut tokens = Vec::new();
    for task in tasks {
        tokens.push(task.await.unwrap().unwrap());
    }
    assert_eq!(server.calls(), 1);
    tokens.dedup();
    assert_eq!(tokens.len(), 1);
}

#[tokio::test]
async fn a_server_error_is_a_503_and_is_not_cached() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server)
        .retry_after(Duration::from_secs(7))
        .build()
        .unwrap();
    let alice = caller(&server, "alice", "order").await;

    server.set(Behaviour::ServerError);
    let error = exchanger.exchange(&alice).await.unwrap_err();
    assert_eq!(error.kind(), &ExchangeErrorKind::Unavailable);
    let answer = DenialRenderer::default().render(&error.auth_error());
    assert_eq!(answer.status(), 503);
    assert_eq!(answer.retry_after(), Some(7));
    assert!(answer.www_authenticate().is_none());
    assert!(String::from_utf8_lossy(answer.body()).contains("temporarily_unavailable"));

    server.set(Behaviour::Issue);
    exchanger.exchange(&alice).await.unwrap();
    assert_eq!(server.calls(), 2, "the failure was not remembered");
}

#[tokio::test]
async fn a_timeout_is_a_503_and_is_not_cached() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let alice = caller(&server, "alice", "order").await;

    server.delay(Duration::from_secs(2));
    let error = exchanger.exchange(&alice).await.unwrap_err();
    assert_eq!(error.kind(), &ExchangeErrorKind::Unavailable);
    assert_eq!(error.status(), 503);

    server.delay(Duration::ZERO);
    exchanger.exchange(&alice).await.unwrap();
}

#[tokio::test]
async fn an_unreachable_authorization_server_is_a_503_with_retry_after() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}/token", listener.local_addr().unwrap());
    drop(listener);
    let issuer = scopeguard_core::test_util::TestIssuer::new();
    let exchanger = TokenExchanger::builder()
        .token_endpoint(closed)
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .scopes("order:shipping")
        .build()
        .unwrap();
    let alice = issuer
        .validator()
        .validate(&issuer.token().scopes("order").sign())
        .await
        .unwrap();
    let error = exchanger.exchange(&alice).await.unwrap_err();
    assert_eq!(error.label(), "token_exchange_unavailable");
    let answer = DenialRenderer::default().render(&error.auth_error());
    assert_eq!(answer.status(), 503);
    assert_eq!(answer.retry_after(), Some(5));
}

#[tokio::test]
async fn invalid_grant_is_remembered_briefly_and_other_refusals_not_at_all() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server)
        .refusal_ttl(Duration::from_secs(1))
        .build()
        .unwrap();
    let alice = caller(&server, "alice", "order").await;

    server.set(Behaviour::Refuse("invalid_grant"));
    let error = exchanger.exchange(&alice).await.unwrap_err();
    assert_eq!(
        error.kind(),
        &ExchangeErrorKind::Refused {
            error: "invalid_grant".into()
        }
    );
    assert_eq!(error.status(), 403);
    server.set(Behaviour::Issue);
    assert!(
        exchanger.exchange(&alice).await.is_err(),
        "still refused from the cache"
    );
    assert_eq!(server.calls(), 1);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    exchanger.exchange(&alice).await.unwrap();
    assert_eq!(server.calls(), 2);

    let bob = caller(&server, "bob", "order").await;
    server.set(Behaviour::Refuse("invalid_scope"));
    assert!(exchanger.exchange(&bob).await.is_err());
    server.set(Behaviour::Issue);
    exchanger.exchange(&bob).await.unwrap();
    assert_eq!(server.calls(), 4, "invalid_scope is not remembered");
}

#[tokio::test]
async fn refusals_are_never_remembered_longer_than_ten_seconds() {
    let server = TokenEndpointServer::start().await;
    let error = exchanger(&server)
        .refusal_ttl(Duration::from_secs(11))
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("10 seconds"), "{error}");
}
