//! DPoP interoperability (SPEC §3.6, §7) with code nobody at scopeguard
//! wrote: the real OpenID provider of the tests (`oidc-provider`, DPoP
//! feature on) issues DPoP-bound access tokens to a client whose key pair
//! and proofs come from npm's `dpop` package (`test-support/oidc/dpop-client.mjs`).
//! Both conformance servers, in `Allowed` mode, accept those proofs, refuse
//! a replayed one and the bound token sent as `Bearer`, and answer byte for
//! byte alike.
//!
//! Needs Node and `npm ci` in `test-support/oidc`; without them the test
//! skips with a message, except under CI (`CI` set), where it fails.

#[allow(dead_code)] // shared with `conformance.rs`, which uses all of it
mod conformance_support;
#[allow(dead_code)] // shared with `oidc_provider.rs`, which uses all of it
mod oidc_support;

use std::process::Stdio;

use conformance_support::server::{Answer, ConformanceServer, SERVER};
use conformance_support::tokens::AUDIENCE;
use oidc_support::{CLIENT_ID, CLIENT_SECRET, OidcProvider, provider_dir};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt as _;

/// What `dpop-client.mjs` answers.
struct DpopClient {
    access_token: String,
    token_type: String,
    proofs: Vec<String>,
}

/// Runs `dpop-client.mjs`: a DPoP-bound token for `scope` and one proof for
/// each of `requests` (method, URL).
async fn dpop_client(
    provider: &OidcProvider,
    scope: &str,
    requests: &[(&str, String, Option<&str>)],
) -> DpopClient {
    let input = json!({
        "token_endpoint": provider.token_endpoint(),
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scope": scope,
        "resource": AUDIENCE,
        "requests": requests
            .iter()
            .map(|(method, url, nonce)| json!({"method": method, "url": url, "nonce": nonce}))
            .collect::<Vec<_>>(),
    });
    let mut child = tokio::process::Command::new("node")
        .arg("dpop-client.mjs")
        .current_dir(provider_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node dpop-client.mjs starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin
        .write_all(input.to_string().as_bytes())
        .await
        .expect("the request is written");
    drop(stdin);
    let output = child.wait_with_output().await.expect("dpop-client.mjs runs");
    assert!(
        output.status.success(),
        "dpop-client.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value = serde_json::from_slice(&output.stdout).expect("dpop-client.mjs prints JSON");
    DpopClient {
        access_token: answer["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned(),
        token_type: answer["token_type"].as_str().expect("a token type").to_owned(),
        proofs: answer["proofs"]
            .as_array()
            .expect("proofs")
            .iter()
            .map(|proof| proof.as_str().expect("a proof").to_owned())
            .collect(),
    }
}

fn body(answer: &Answer) -> Value {
    serde_json::from_str(&answer.body).expect("a JSON body")
}

#[tokio::test]
async fn proofs_from_npm_dpop_with_provider_tokens_are_accepted_once_by_both_servers() {
    let Some(provider) = OidcProvider::builder().resource(AUDIENCE).start().await else {
        return;
    };
    let env = [
        ("SCOPEGUARD_ISSUER", provider.issuer()),
        ("SCOPEGUARD_AUDIENCE", AUDIENCE),
        ("SCOPEGUARD_LEEWAY_SECS", "30"),
        ("SCOPEGUARD_DPOP", "allowed"),
    ];
    let (axum, actix) = tokio::join!(
        ConformanceServer::start("axum", env!("CARGO_BIN_EXE_conformance-axum"), &env),
        ConformanceServer::start("actix", env!("CARGO_BIN_EXE_conformance-actix"), &env),
    );
    let mut answers: Vec<Vec<Answer>> = Vec::new();
    for server in [&axum, &actix] {
        let base = server.base();
        let client = dpop_client(
            &provider,
            "order:item",
            &[
                ("GET", format!("{base}/orders/7/items"), None),
                ("GET", format!("{base}/me"), None),
            ],
        )
        .await;
        assert!(
            client.token_type.eq_ignore_ascii_case("DPoP"),
            "{}",
            client.token_type
        );
        let payload = client.access_token.split('.').nth(1).expect("a JWT");
        let claims: Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .expect("base64url"),
        )
        .expect("JSON claims");
        assert!(
            claims["cnf"]["jkt"].is_string(),
            "the provider binds the token: {claims}"
        );

        let authorization = format!("DPoP {}", client.access_token);
        let items = [
            ("authorization", authorization.as_str()),
            ("dpop", client.proofs[0].as_str()),
        ];
        let accepted = server.send_with("GET", "/orders/7/items", &items).await;
        assert_eq!(
            accepted.status,
            200,
            "{} accepts the npm proof: {accepted:?}",
            server.name()
        );
        assert_eq!(body(&accepted)["route"], "order-items");

        let replayed = server.send_with("GET", "/orders/7/items", &items).await;
        assert_eq!(replayed.status, 401, "{}: {replayed:?}", server.name());
        assert_eq!(body(&replayed)["error"], "invalid_dpop_proof");

        let me = [
            ("authorization", authorization.as_str()),
            ("dpop", client.proofs[1].as_str()),
        ];
        let wrong_route = server.send_with("GET", "/orders/7/items", &me).await;
        assert_eq!(
            wrong_route.status, 401,
            "a proof for /me does not open /orders/7/items"
        );

        let bearer = format!("Bearer {}", client.access_token);
        let as_bearer = server.send("GET", "/me", Some(&bearer)).await;
        assert_eq!(as_bearer.status, 401, "a bound token is never a bearer token");
        assert_eq!(body(&as_bearer)["error"], "invalid_token");

        let metadata = body(
            &server
                .send("GET", "/.well-known/oauth-protected-resource", None)
                .await,
        );
        assert_eq!(
            metadata["dpop_signing_alg_values_supported"],
            json!(["ES256", "ES384", "EdDSA", "RS256", "PS256"])
        );
        assert!(metadata.get("dpop_bound_access_tokens_required").is_none());

        let anonymous = server.send("GET", "/me", None).await;
        answers.push(vec![replayed, wrong_route, as_bearer, anonymous]);
    }
    assert_eq!(
        answers[0], answers[1],
        "both servers answer alike ({SERVER} for their address)"
    );
}

#[tokio::test]
async fn required_mode_with_nonces_takes_npm_proofs_after_the_nonce_round_trip() {
    let Some(provider) = OidcProvider::builder().resource(AUDIENCE).start().await else {
        return;
    };
    let env = [
        ("SCOPEGUARD_ISSUER", provider.issuer()),
        ("SCOPEGUARD_AUDIENCE", AUDIENCE),
        ("SCOPEGUARD_LEEWAY_SECS", "30"),
        ("SCOPEGUARD_DPOP", "required"),
        (
            "SCOPEGUARD_DPOP_NONCE_SECRET",
            "a nonce secret every replica shares",
        ),
        ("SCOPEGUARD_DPOP_NONCE_SECS", "300"),
    ];
    let (axum, actix) = tokio::join!(
        ConformanceServer::start("axum", env!("CARGO_BIN_EXE_conformance-axum"), &env),
        ConformanceServer::start("actix", env!("CARGO_BIN_EXE_conformance-actix"), &env),
    );
    let bearer = provider
        .client_credentials("order:item", AUDIENCE)
        .await
        .expect("a bearer token");
    let mut answers: Vec<Vec<Answer>> = Vec::new();
    // The nonce the first server hands out opens the second too: one secret.
    let mut shared_nonce: Option<String> = None;
    for server in [&axum, &actix] {
        let metadata = body(
            &server
                .send("GET", "/.well-known/oauth-protected-resource", None)
                .await,
        );
        assert_eq!(metadata["dpop_bound_access_tokens_required"], true);

        let anonymous = server.send("GET", "/me", None).await;
        assert_eq!(anonymous.status, 401);
        assert_eq!(
            anonymous.challenge.as_deref(),
            Some(
                r#"DPoP algs="ES256 ES384 EdDSA RS256 PS256", resource_metadata="http://SERVER/.well-known/oauth-protected-resource""#
            )
        );
        let as_bearer = server
            .send("GET", "/me", Some(&format!("Bearer {}", bearer.secret())))
            .await;
        assert_eq!(as_bearer.status, 401, "required mode: a bearer token is refused");
        assert!(
            as_bearer
                .challenge
                .as_deref()
                .is_some_and(|challenge| challenge.starts_with("DPoP algs="))
        );

        let url = format!("{}/orders/7/items", server.base());
        let first = dpop_client(&provider, "order:item", &[("GET", url.clone(), None)]).await;
        let authorization = format!("DPoP {}", first.access_token);
        let no_nonce = server
            .send_with(
                "GET",
                "/orders/7/items",
                &[("authorization", &authorization), ("dpop", &first.proofs[0])],
            )
            .await;
        assert_eq!(no_nonce.status, 401, "{no_nonce:?}");
        assert_eq!(body(&no_nonce)["error"], "use_dpop_nonce");
        let fresh = no_nonce.dpop_nonce.clone().expect("a DPoP-Nonce header");
        let nonce = shared_nonce.get_or_insert(fresh).clone();

        let second = dpop_client(&provider, "order:item", &[("GET", url, Some(&nonce))]).await;
        let authorization = format!("DPoP {}", second.access_token);
        let accepted = server
            .send_with(
                "GET",
                "/orders/7/items",
                &[("authorization", &authorization), ("dpop", &second.proofs[0])],
            )
            .await;
        assert_eq!(
            accepted.status,
            200,
            "{} accepts a proof with its nonce: {accepted:?}",
            server.name()
        );
        // Nonces of two servers may straddle a time step: compared apart.
        let no_nonce = Answer {
            dpop_nonce: None,
            ..no_nonce
        };
        answers.push(vec![anonymous, as_bearer, no_nonce]);
    }
    assert_eq!(answers[0], answers[1], "both servers answer alike");
}
