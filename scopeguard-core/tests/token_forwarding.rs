//! Forwarding the caller's token (SPEC §3.8): the principal keeps the raw
//! token (never shown by `Debug`), the helpers and the `reqwest-middleware`
//! middleware put it, or an exchanged one, on outbound requests; and the
//! test kit's in-memory token endpoint (SPEC §8).
#![cfg(all(feature = "token-exchange", feature = "test-util"))]

#[path = "../../test-support/shared/introspection_server.rs"]
mod introspection_server;

use std::net::Ipv4Addr;

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::get;
use introspection_server::{IntrospectionServer, active};
use scopeguard_core::Principal;
use scopeguard_core::downstream::{ExchangeErrorKind, forward, forwarded_authorization};
use scopeguard_core::test_util::TestIssuer;

/// A server on loopback that answers with the `Authorization` it received.
async fn echo_server() -> String {
    async fn echo(headers: HeaderMap) -> String {
        headers
            .get("authorization")
            .map(|value| value.to_str().expect("ASCII").to_owned())
            .unwrap_or_default()
    }
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("a loopback port");
    let url = format!(
        "http://{}/echo",
        listener.local_addr().expect("the bound address")
    );
    tokio::spawn(async move { axum::serve(listener, Router::new().route("/echo", get(echo))).await });
    url
}

async fn alice(issuer: &TestIssuer) -> (String, Principal) {
    let token = issuer.token().sub("alice").scopes("order").sign();
    let principal = issuer.validator().validate(&token).await.expect("a valid token");
    (token, principal)
}

#[tokio::test]
async fn the_jwt_validator_keeps_the_token_and_debug_never_shows_it() {
    let issuer = TestIssuer::new();
    let (token, principal) = alice(&issuer).await;
    assert_eq!(principal.access_token(), Some(token.as_str()));
    let cached = issuer.validator().validate(&token).await.unwrap();
    assert_eq!(cached.access_token(), Some(token.as_str()));
    let debug = format!("{principal:?}");
    let signature = token.rsplit('.').next().unwrap();
    assert!(!debug.contains(signature), "{debug}");
    assert!(debug.contains("access_token: <present>"), "{debug}");
}

#[tokio::test]
async fn the_introspection_validator_keeps_the_token() {
    let server = IntrospectionServer::start().await;
    server.reply("opaque-token-1", active(serde_json::json!({})));
    let principal = server.validator().validate("opaque-token-1").await.unwrap();
    assert_eq!(principal.access_token(), Some("opaque-token-1"));
    assert!(!format!("{principal:?}").contains("opaque-token-1"));
}

#[tokio::test]
async fn forward_sends_the_callers_own_token() {
    let issuer = TestIssuer::new();
    let (token, principal) = alice(&issuer).await;
    let echo = echo_server().await;
    let request = forward(reqwest::Client::new().get(&echo), &principal).unwrap();
    let received = request.send().await.unwrap().text().await.unwrap();
    assert_eq!(received, format!("Bearer {token}"));
    assert!(forwarded_authorization(&principal).unwrap().is_sensitive());
}

#[test]
fn a_principal_without_a_token_cannot_be_forwarded() {
    let principal = Principal::builder().sub("alice").build();
    let error = forwarded_authorization(&principal).unwrap_err();
    assert_eq!(error.kind(), &ExchangeErrorKind::MissingAccessToken);
    assert_eq!(error.status(), 500);
    let built = Principal::builder().access_token("abc").build();
    assert_eq!(forwarded_authorization(&built).unwrap(), "Bearer abc");
    assert!(!format!("{:?}", Principal::builder().access_token("secret-abc")).contains("secret-abc"));
}

#[tokio::test]
async fn the_test_issuer_exchanges_in_memory_downscoping_only() {
    let issuer = TestIssuer::new();
    let (_, caller) = alice(&issuer).await;

    let narrowed = issuer
        .exchanger_builder()
        .scopes("order:shipping")
        .build()
        .unwrap();
    let token = narrowed.exchange(&caller).await.unwrap();
    let downstream = issuer.validator().validate(token.access_token()).await.unwrap();
    assert_eq!(downstream.sub(), Some("alice"));
    assert_eq!(downstream.exp(), caller.exp());
    assert_eq!(downstream.scopes().as_space_delimited(), "order:shipping");

    // The local check refuses first; the issuer refuses too, when asked.
    let broader = issuer
        .exchanger_builder()
        .scopes("order inventory")
        .build()
        .unwrap();
    let error = broader.exchange(&caller).await.unwrap_err();
    assert!(matches!(error.kind(), ExchangeErrorKind::NotCovered { .. }));
    let subject = caller.access_token().unwrap();
    let answer = issuer
        .answer_token_request(&[
            ("grant_type", scopeguard_core::downstream::TOKEN_EXCHANGE_GRANT),
            ("subject_token", subject),
            (
                "subject_token_type",
                scopeguard_core::downstream::ACCESS_TOKEN_TYPE,
            ),
            ("scope", "order inventory"),
        ])
        .await;
    assert_eq!(
        (answer.status, answer.body.as_slice()),
        (400, &br#"{"error":"invalid_scope"}"#[..])
    );

    let other = TestIssuer::new();
    let stranger = other
        .validator()
        .validate(&other.token().scopes("order").sign())
        .await
        .unwrap();
    let error = narrowed.exchange(&stranger).await.unwrap_err();
    assert_eq!(
        error.kind(),
        &ExchangeErrorKind::Refused {
            error: "invalid_grant".into()
        }
    );
}

#[cfg(feature = "reqwest-middleware")]
mod middleware {
    use reqwest_middleware::ClientBuilder;
    use scopeguard_core::downstream::{DownstreamAuth, ExchangeError};

    use super::*;

    #[tokio::test]
    async fn the_middleware_forwards_the_principal_of_the_request() {
        let issuer = TestIssuer::new();
        let (token, principal) = alice(&issuer).await;
        let echo = echo_server().await;
        let client = ClientBuilder::new(reqwest::Client::new())
            .with(DownstreamAuth::forward())
            .build();
        let received = client
            .get(&echo)
            .with_extension(principal)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(received, format!("Bearer {token}"));
    }

    #[tokio::test]
    async fn the_middleware_exchanges_per_request() {
        let issuer = TestIssuer::new();
        let (token, principal) = alice(&issuer).await;
        let echo = echo_server().await;
        let exchanger = issuer
            .exchanger_builder()
            .scopes("order:shipping")
            .build()
            .unwrap();
        let client = ClientBuilder::new(reqwest::Client::new())
            .with(DownstreamAuth::exchange(exchanger))
            .build();
        let received = client
            .get(&echo)
            .with_extension(principal)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let narrowed = received.strip_prefix("Bearer ").unwrap();
        assert_ne!(narrowed, token);
        let downstream = issuer.validator().validate(narrowed).await.unwrap();
        assert_eq!(downstream.scopes().as_space_delimited(), "order:shipping");
    }

    #[tokio::test]
    async fn a_request_without_a_principal_is_not_sent() {
        let echo = echo_server().await;
        let client = ClientBuilder::new(reqwest::Client::new())
            .with(DownstreamAuth::forward())
            .build();
        let error = client.get(&echo).send().await.unwrap_err();
        let reqwest_middleware::Error::Middleware(error) = error else {
            panic!("expected a middleware error, got {error:?}");
        };
        let error = error.downcast_ref::<ExchangeError>().unwrap();
        assert_eq!(error.kind(), &ExchangeErrorKind::MissingAccessToken);
    }

    #[tokio::test]
    async fn a_narrowing_the_caller_does_not_cover_stops_the_request() {
        let issuer = TestIssuer::new();
        let (_, principal) = alice(&issuer).await;
        let echo = echo_server().await;
        let exchanger = issuer.exchanger_builder().scopes("inventory").build().unwrap();
        let client = ClientBuilder::new(reqwest::Client::new())
            .with(DownstreamAuth::exchange(exchanger))
            .build();
        let error = client
            .get(&echo)
            .with_extension(principal)
            .send()
            .await
            .unwrap_err();
        let reqwest_middleware::Error::Middleware(error) = error else {
            panic!("expected a middleware error, got {error:?}");
        };
        assert_eq!(error.downcast_ref::<ExchangeError>().unwrap().status(), 403);
    }
}
