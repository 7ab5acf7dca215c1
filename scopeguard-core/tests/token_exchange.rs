//! Token exchange (SPEC §3.8) against a token endpoint over HTTP on
//! loopback: the request, the narrowing check before any call, the answer
//! checks, and what is logged. The cache, single-flight and failures are in
//! `token_exchange_cache.rs`.
#![cfg(all(feature = "token-exchange", feature = "test-util"))]

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
mod token_exchange_support;

use captured_logs::capture;
use scopeguard_core::AuthError;
use scopeguard_core::downstream::{ClientAuthentication, ExchangeErrorKind, TokenExchanger};
use scopeguard_core::error::DenialRenderer;
use token_exchange_support::{Behaviour, CLIENT_ID, CLIENT_SECRET, TokenEndpointServer, caller, exchanger};

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
