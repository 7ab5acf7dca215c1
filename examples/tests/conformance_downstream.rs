//! SPEC §3.8 and §7 from the outside, when the calls fail: both
//! conformance servers, with the token endpoint and the downstream API
//! unreachable, answer the downstream routes with the same 503 (with
//! `Retry-After`) and 502, byte for byte. The successful calls are in the
//! route table of `conformance.rs`.
//!
//! Needs Node and `npm ci` in `test-support/oidc`; without them the test
//! skips with a message, except under CI (`CI` set), where it fails.

#[allow(dead_code)] // shared with `conformance.rs`, which uses all of it
mod conformance_support;
#[allow(dead_code)] // shared with `oidc_provider.rs`, which uses all of it
mod oidc_support;

use conformance_support::server::ConformanceServer;
use conformance_support::tokens::{AUDIENCE, Caller, Tokens};
use oidc_support::{CLIENT_ID, CLIENT_SECRET, OidcProvider};

/// A loopback URL where nothing listens.
fn closed_url(path: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("http://{}{path}", listener.local_addr().expect("an address"));
    drop(listener);
    url
}

#[tokio::test]
async fn both_servers_answer_failing_downstream_calls_identically() {
    let Some(provider) = OidcProvider::builder().resource(AUDIENCE).start().await else {
        return;
    };
    let (token_endpoint, shipping) = (closed_url("/token"), closed_url(""));
    let env = [
        ("SCOPEGUARD_ISSUER", provider.issuer()),
        ("SCOPEGUARD_AUDIENCE", AUDIENCE),
        ("SCOPEGUARD_TOKEN_EXCHANGE_URL", token_endpoint.as_str()),
        ("SCOPEGUARD_TOKEN_EXCHANGE_CLIENT_ID", CLIENT_ID),
        ("SCOPEGUARD_TOKEN_EXCHANGE_CLIENT_SECRET", CLIENT_SECRET),
        ("SCOPEGUARD_DOWNSTREAM_URL", shipping.as_str()),
    ];
    let (axum, actix) = tokio::join!(
        ConformanceServer::start("axum", env!("CARGO_BIN_EXE_conformance-axum"), &env),
        ConformanceServer::start("actix", env!("CARGO_BIN_EXE_conformance-actix"), &env),
    );
    let mut tokens = Tokens::new(&provider);
    let caller = tokens.authorization(Caller::Scopes("order")).await;
    let mut answers = Vec::new();
    for server in [&axum, &actix] {
        let exchanged = server
            .send("GET", "/orders/7/shipping/exchanged", caller.as_deref())
            .await;
        assert_eq!(
            (
                exchanged.status,
                exchanged.challenge.as_deref(),
                exchanged.retry_after.as_deref()
            ),
            (503, None, Some("5")),
            "{}: the token endpoint is down: {exchanged:?}",
            server.name()
        );
        assert_eq!(
            exchanged.body,
            r#"{"error":"temporarily_unavailable","error_description":"token exchange is temporarily unavailable"}"#
        );
        let forwarded = server
            .send("GET", "/orders/7/shipping/forwarded", caller.as_deref())
            .await;
        assert_eq!(
            (
                forwarded.status,
                forwarded.content_type.as_deref(),
                forwarded.body.as_str()
            ),
            (
                502,
                Some("application/json"),
                scopeguard_examples::conformance::downstream::BAD_GATEWAY_BODY
            ),
            "{}: the downstream API is down",
            server.name()
        );
        answers.push((exchanged, forwarded));
    }
    assert_eq!(answers[0], answers[1], "the servers differ");
}
