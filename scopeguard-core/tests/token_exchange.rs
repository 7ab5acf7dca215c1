//! Token exchange (SPEC §3.8) against a token endpoint over HTTP on
//! loopback: the request, the narrowing check before any call, the answer
//! checks, the cache and its keys, single-flight, failures, and what is
//! logged.
#![cfg(all(feature = "token-exchange", feature = "test-util"))]

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
#[path = "../../test-support/shared/token_endpoint_server.rs"]
mod token_endpoint_server;

use std::time::Duration;

use scopeguard_core::downstream::{
    ClientAuthentication, ExchangeErrorKind, TokenExchanger, TokenExchangerBuilder,
};
use scopeguard_core::error::DenialRenderer;
use scopeguard_core::{AuthError, Principal};
use token_endpoint_server::{Behaviour, CLIENT_ID, CLIENT_SECRET, TokenEndpointServer};

fn exchanger(server: &TokenEndpointServer) -> TokenExchangerBuilder {
    TokenExchanger::builder()
        .token_endpoint(server.token_url())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .audience("https://shipping.test")
        .scopes("order:shipping")
}

/// A caller with `scopes`, validated as in production, with a token that
/// expires in `lifetime`.
async fn caller_for(server: &TokenEndpointServer, sub: &str, scopes: &str, lifetime: Duration) -> Principal {
    let token = server
        .issuer()
        .token()
        .sub(sub)
        .scopes(scopes)
        .expires_in(lifetime)
        .sign();
    server
        .issuer()
        .validator()
        .validate(&token)
        .await
        .expect("a valid token")
}

async fn caller(server: &TokenEndpointServer, sub: &str, scopes: &str) -> Principal {
    caller_for(server, sub, scopes, Duration::from_secs(600)).await
}

#[tokio::test]
async fn the_request_is_an_rfc_8693_exchange_and_the_token_is_narrowed() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server)
        .resource("https://shipping.test/api")
        .requested_token_type("urn:ietf:params:oauth:token-type:access_token")
        .build()
        .unwrap();
    let alice = caller(&server, "alice", "order inventory").await;
    let token = exchanger.exchange(&alice).await.unwrap();

    assert_eq!(
        server.last("grant_type").as_deref(),
        Some("urn:ietf:params:oauth:grant-type:token-exchange")
    );
    assert_eq!(server.last("subject_token").as_deref(), alice.access_token());
    assert_eq!(
        server.last("subject_token_type").as_deref(),
        Some("urn:ietf:params:oauth:token-type:access_token")
    );
    assert_eq!(server.last("scope").as_deref(), Some("order:shipping"));
    assert_eq!(server.last("audience").as_deref(), Some("https://shipping.test"));
    assert_eq!(
        server.last("resource").as_deref(),
        Some("https://shipping.test/api")
    );
    assert_eq!(
        server.last("requested_token_type").as_deref(),
        Some("urn:ietf:params:oauth:token-type:access_token")
    );
    assert_eq!(
        server.last("client_secret"),
        None,
        "client_secret_basic by default"
    );

    let downstream = server
        .issuer()
        .validator_builder()
        .audience("https://shipping.test")
        .build()
        .unwrap()
        .validate(token.access_token())
        .await
        .unwrap();
    assert_eq!(downstream.sub(), Some("alice"));
    assert_eq!(downstream.exp(), alice.exp(), "same expiry");
    assert_eq!(downstream.scopes().as_space_delimited(), "order:shipping");
    assert_eq!(token.token_type(), "Bearer");
}

#[tokio::test]
async fn client_secret_post_sends_the_credentials_in_the_form() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server)
        .client_authentication(ClientAuthentication::ClientSecretPost)
        .build()
        .unwrap();
    exchanger
        .exchange(&caller(&server, "alice", "order").await)
        .await
        .unwrap();
    assert_eq!(server.last("client_id").as_deref(), Some(CLIENT_ID));
    assert_eq!(server.last("client_secret").as_deref(), Some(CLIENT_SECRET));
}

#[tokio::test]
async fn the_token_endpoint_is_found_by_discovery() {
    let server = TokenEndpointServer::start().await;
    let exchanger = TokenExchanger::builder()
        .discover(server.url())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .scopes("order:shipping")
        .build()
        .unwrap();
    exchanger
        .exchange(&caller(&server, "alice", "order").await)
        .await
        .unwrap();
    assert_eq!(server.calls(), 1);
}

#[tokio::test]
async fn asking_for_more_than_the_caller_has_never_reaches_the_authorization_server() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server)
        .scopes("order:shipping inventory:price.write")
        .build()
        .unwrap();
    let bob = caller(&server, "bob", "order:shipping inventory:price").await;

    let error = exchanger.exchange(&bob).await.unwrap_err();
    assert_eq!(
        error.kind(),
        &ExchangeErrorKind::NotCovered {
            uncovered: "inventory:price.write".into()
        }
    );
    assert_eq!(server.calls(), 0, "the authorization server was not asked");
    assert_eq!(
        error.auth_error(),
        AuthError::InsufficientScope {
            scope: Some("inventory:price.write order:shipping".into())
        }
    );
    let answer = DenialRenderer::default().render(&error.auth_error());
    assert_eq!(answer.status(), 403);
}

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

#[tokio::test]
async fn a_broader_scope_in_the_answer_is_refused() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server).build().unwrap();
    let alice = caller(&server, "alice", "order").await;

    server.set(Behaviour::AnswerScope("order"));
    let error = exchanger.exchange(&alice).await.unwrap_err();
    assert_eq!(error.kind(), &ExchangeErrorKind::BroaderScope);
    assert_eq!(error.status(), 503);
    server.set(Behaviour::Issue);
    exchanger.exchange(&alice).await.unwrap();
    assert_eq!(server.calls(), 2, "the broader answer was not cached");

    // A narrower scope than asked for is fine.
    let bob = caller(&server, "bob", "order").await;
    server.set(Behaviour::AnswerScope("order:shipping:status"));
    exchanger.exchange(&bob).await.unwrap();
}

#[tokio::test]
async fn a_wrong_client_secret_is_a_refusal() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server)
        .client_credentials(CLIENT_ID, "wrong")
        .build()
        .unwrap();
    let error = exchanger
        .exchange(&caller(&server, "alice", "order").await)
        .await
        .unwrap_err();
    assert_eq!(
        error.kind(),
        &ExchangeErrorKind::Refused {
            error: "invalid_client".into()
        }
    );
}

#[tokio::test]
async fn tokens_never_appear_in_logs() {
    let server = TokenEndpointServer::start().await;
    let exchanger = exchanger(&server).build().unwrap();
    let alice = caller(&server, "alice", "order").await;
    let subject = alice.access_token().unwrap().to_owned();
    let (logs, _guard) = capture();

    let token = exchanger.exchange(&alice).await.unwrap();
    let issued = token.access_token().to_owned();
    tracing::info!(?token, ?alice, ?exchanger, "debug output of every type");
    for behaviour in [
        Behaviour::Refuse("invalid_scope"),
        Behaviour::AnswerScope("order"),
        Behaviour::ServerError,
    ] {
        server.set(behaviour);
        let error = exchanger
            .exchange_for(&alice, &"order:item".parse().unwrap())
            .await
            .unwrap_err();
        tracing::info!(?error, %error, "an error");
        let _ = DenialRenderer::default().deny(&error.auth_error());
    }
    let narrow = caller(&server, "bob", "order:item").await;
    let _ = exchanger.exchange(&narrow).await.unwrap_err();

    let logs = logs.text();
    assert!(logs.contains("exchange_refused"), "{logs}");
    assert!(logs.contains("exchange_broader_scope"), "{logs}");
    assert!(logs.contains("token_exchange_unavailable"), "{logs}");
    assert!(logs.contains("exchange_scope_not_covered"), "{logs}");
    for secret in [&subject, &issued, narrow.access_token().unwrap()] {
        let signature = secret.rsplit('.').next().unwrap();
        assert!(!logs.contains(signature), "a token was logged: {logs}");
    }
    assert!(!logs.contains(CLIENT_SECRET), "{logs}");
}

use captured_logs::capture;
