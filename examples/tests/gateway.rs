//! The gateway end to end on 127.0.0.1: each token mode with real
//! upstreams, the edge's answers (SPEC §4), headers forwarded and dropped,
//! and an upstream down.

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
mod gateway_support;
#[path = "../../test-support/shared/raw_http.rs"]
mod raw_http;

use gateway_support::Setup;
use gateway_support::introspection_server::{AUDIENCE, CLIENT_ID, ISSUER, Reply};
use reqwest::StatusCode;
use reqwest::header::WWW_AUTHENTICATE;
use scopeguard_core::validation::introspection::IntrospectionJwtValidator;
use serde_json::{Value, json};

async fn body(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.expect("a body")).expect("a JSON body")
}

// Token modes.

#[tokio::test]
async fn jwt_mode_forwards_the_clients_jwt_as_is() {
    let setup = Setup::start().await;
    let token = setup.jwt("order");
    let response = setup
        .client
        .get(setup.url("/orders/7?fields=id"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body(response).await, json!({"path": "/orders/7"}));
    let seen = setup.orders.last();
    assert_eq!(seen.authorization(), Some(format!("Bearer {token}").as_str()));
    assert_eq!(seen.uri.to_string(), "/orders/7?fields=id");
}

#[tokio::test]
async fn phantom_mode_forwards_the_signed_introspection_answer_instead_of_the_opaque_token() {
    let setup = Setup::start().await;
    let jwt = setup.opaque("opaque-reader", "report:read");
    let response = setup
        .client
        .get(setup.url("/reports/2024/q1"))
        .bearer_auth("opaque-reader")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let seen = setup.reports.last();
    assert_eq!(seen.authorization(), Some(format!("Bearer {jwt}").as_str()));
    assert!(!format!("{:?}", seen.headers).contains("opaque-reader"));
    // The API checks it locally, with the authorization server's keys.
    let api = IntrospectionJwtValidator::builder(ISSUER, CLIENT_ID, setup.issuer.keys())
        .audience(AUDIENCE)
        .build()
        .unwrap();
    let principal = api.validate(&jwt).await.expect("a valid phantom token");
    assert_eq!(principal.sub(), Some("alice"));
    assert_eq!(principal.scopes().as_space_delimited(), "report:read");
}

#[tokio::test]
async fn none_mode_forwards_no_authorization() {
    let setup = Setup::start().await;
    let response = setup
        .client
        .get(setup.url("/status/queue"))
        .bearer_auth(setup.jwt("order"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(setup.status.last().authorization(), None);
}

#[tokio::test]
async fn a_public_route_needs_no_token_and_forwards_none() {
    let setup = Setup::start().await;
    let response = setup.client.get(setup.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = setup
        .client
        .get(setup.url("/health"))
        .header("authorization", "Bearer client-secret-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        setup
            .status
            .seen()
            .iter()
            .all(|seen| seen.authorization().is_none())
    );
}

// The edge's answers: bad calls never reach the upstream.

#[tokio::test]
async fn no_token_is_401_with_a_bare_challenge_and_nothing_forwarded() {
    let setup = Setup::start().await;
    let response = setup.client.get(setup.url("/orders/7")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()[WWW_AUTHENTICATE],
        r#"Bearer realm="scopeguard""#
    );
    assert_eq!(body(response).await["error"], "missing_token");
    assert!(setup.orders.seen().is_empty());
}

#[tokio::test]
async fn an_invalid_jwt_is_401_invalid_token() {
    let setup = Setup::start().await;
    let expired = setup.issuer.token().scopes("order").expired().sign();
    let response = setup
        .client
        .get(setup.url("/orders/7"))
        .bearer_auth(expired)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()[WWW_AUTHENTICATE].to_str().unwrap().to_owned();
    assert!(challenge.contains(r#"error="invalid_token""#), "{challenge}");
    assert!(setup.orders.seen().is_empty());
}

#[tokio::test]
async fn a_missing_scope_is_403_naming_it() {
    let setup = Setup::start().await;
    let response = setup
        .client
        .put(setup.url("/orders/7"))
        .bearer_auth(setup.jwt("order"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response.headers()[WWW_AUTHENTICATE].to_str().unwrap().to_owned();
    assert!(
        challenge.contains(r#"error="insufficient_scope""#) && challenge.contains(r#"scope="order.write""#),
        "{challenge}"
    );
    assert_eq!(body(response).await["scope"], "order.write");
    assert!(setup.orders.seen().is_empty());
}

#[tokio::test]
async fn a_template_requirement_is_filled_from_the_path() {
    let setup = Setup::start().await;
    let token = setup.jwt("transaction-7");
    let status = |tx: &'static str| {
        let request = setup
            .client
            .post(setup.url(&format!("/transactions/{tx}/approve")))
            .bearer_auth(&token);
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(status("7").await, StatusCode::OK);
    assert_eq!(status("70").await, StatusCode::FORBIDDEN);
    assert_eq!(setup.orders.seen().len(), 1);
}

#[tokio::test]
async fn no_route_is_404_and_dot_segments_are_400() {
    let setup = Setup::start().await;
    let authorization = format!("Bearer {}", setup.jwt("order"));
    let gateway = setup.gateway;
    for (path, status) in [
        ("/admin", 404),
        ("/orders/7/items", 404),
        ("/status/%2e%2e/admin", 400),
        ("/status/../health", 400),
        ("/status/a/%2E/b", 400),
    ] {
        // A raw request: an HTTP client library would resolve the dots.
        let authorization = authorization.clone();
        let answer = tokio::task::spawn_blocking(move || {
            raw_http::request(gateway, "GET", path, Some(&authorization))
        })
        .await
        .unwrap();
        assert_eq!(answer.status, status, "{path}");
        assert_eq!(answer.header("content-type"), Some("application/json"), "{path}");
    }
    assert!(setup.status.seen().is_empty());
}

// Phantom tokens: what the signed answer says, and answers not trusted.

#[tokio::test]
async fn an_inactive_opaque_token_is_401_invalid_token() {
    let setup = Setup::start().await;
    let answer = setup.signed_answer(&json!({"active": false}));
    setup.introspection.reply("revoked", Reply::jwt(answer));
    let response = setup
        .client
        .get(setup.url("/reports/x"))
        .bearer_auth("revoked")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()[WWW_AUTHENTICATE].to_str().unwrap().to_owned();
    assert!(challenge.contains(r#"error="invalid_token""#), "{challenge}");
    assert!(setup.reports.seen().is_empty());
}

#[tokio::test]
async fn a_signed_answer_with_a_bad_signature_wrong_aud_or_wrong_typ_is_503() {
    let setup = Setup::start().await;
    let forger = scopeguard_core::test_util::TestIssuer::builder()
        .issuer(ISSUER)
        .kid("as-key")
        .build()
        .unwrap();
    let answer = json!({
        "active": true,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "scope": "report:read",
    });
    let signed = |issuer: &scopeguard_core::test_util::TestIssuer, aud: &str, typ: &str| {
        issuer
            .token()
            .header_typ(typ)
            .audience(aud)
            .claim("token_introspection", answer.clone())
            .sign()
    };
    let client_id = CLIENT_ID;
    for (token, jwt) in [
        (
            "bad-signature",
            signed(&forger, client_id, "token-introspection+jwt"),
        ),
        (
            "wrong-aud",
            signed(&setup.issuer, "another-client", "token-introspection+jwt"),
        ),
        ("wrong-typ", signed(&setup.issuer, client_id, "at+jwt")),
    ] {
        setup.introspection.reply(token, Reply::jwt(jwt));
        let response = setup
            .client
            .get(setup.url("/reports/x"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{token}");
        assert!(response.headers().contains_key("retry-after"), "{token}");
        assert!(!response.headers().contains_key(WWW_AUTHENTICATE), "{token}");
        assert_eq!(
            body(response).await["error"],
            "temporarily_unavailable",
            "{token}"
        );
    }
    assert!(setup.reports.seen().is_empty());
}

// Headers.

#[tokio::test]
async fn end_to_end_headers_and_the_body_are_forwarded_and_hop_by_hop_ones_dropped() {
    let setup = Setup::start().await;
    let response = setup
        .client
        .post(setup.url("/health"))
        .header("x-request-id", "req-42")
        .header("content-type", "text/plain")
        .header("connection", "x-session-hint")
        .header("x-session-hint", "for this hop")
        .header("keep-alive", "timeout=5")
        .header("te", "trailers")
        .header("proxy-authorization", "Basic cHJveHk6c2VjcmV0")
        .body("the body")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // Answers: end-to-end headers kept, hop-by-hop ones dropped.
    assert_eq!(response.headers()["x-upstream"], "yes");
    for name in ["x-upstream-hop", "keep-alive"] {
        assert!(!response.headers().contains_key(name), "{name} in the answer");
    }
    let seen = setup.status.last();
    assert_eq!(seen.headers["x-request-id"], "req-42");
    assert_eq!(seen.headers["content-type"], "text/plain");
    assert_eq!(seen.headers["host"], setup.status.addr.to_string());
    assert_eq!(&seen.body[..], b"the body");
    for name in [
        "x-session-hint",
        "keep-alive",
        "te",
        "proxy-authorization",
        "authorization",
    ] {
        assert!(!seen.headers.contains_key(name), "{name} forwarded");
    }
}

#[tokio::test]
async fn the_clients_authorization_is_replaced_never_added_to() {
    let setup = Setup::start().await;
    let token = setup.jwt("order");
    setup
        .client
        .get(setup.url("/orders/1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let seen = setup.orders.last();
    assert_eq!(seen.headers.get_all("authorization").iter().count(), 1);
}

// Upstream failures.

#[tokio::test]
async fn an_upstream_down_is_502() {
    let setup = Setup::start().await;
    let response = setup.client.get(setup.url("/down")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(body(response).await["error"], "bad_gateway");
}

// Logs.

#[tokio::test]
async fn tokens_are_never_logged() {
    let setup = Setup::start().await;
    let jwt = setup.jwt("order");
    let phantom = setup.opaque("opaque-logged", "report:read");
    let (logs, guard) = captured_logs::capture();
    for (path, token) in [
        ("/orders/1", jwt.as_str()),
        ("/orders/1", "not.a.valid-token"),
        ("/reports/x", "opaque-logged"),
        ("/admin", jwt.as_str()),
        ("/down", jwt.as_str()),
        ("/orders/1", "opaque-logged"),
    ] {
        setup
            .client
            .get(setup.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
    }
    drop(guard);
    let logs = logs.text();
    assert!(logs.contains("the upstream failed"), "{logs}");
    assert!(logs.contains("JWT rejected"), "{logs}");
    for secret in [
        jwt.as_str(),
        "not.a.valid-token",
        "opaque-logged",
        phantom.as_str(),
    ] {
        assert!(!logs.contains(secret), "a token in the logs:\n{logs}");
    }
}
