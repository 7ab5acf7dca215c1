//! The axum adapter with the real JWT validator: SPEC §3.2 outcomes at the
//! HTTP level.

mod support;

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::routing::get;
use http::StatusCode;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use scopeguard_axum::core::validation::keys::{KeySet, StaticKeys, VerificationKey};
use scopeguard_axum::{AuthLayer, JwtValidator, Principal, RequireScope};
use serde_json::{Value, json};
use support::get as get_with;

const PRIVATE: &[u8] = include_bytes!("../../scopeguard-core/tests/keys/ed25519_private.pem");
const PUBLIC: &[u8] = include_bytes!("../../scopeguard-core/tests/keys/ed25519_public.pem");
const ISSUER: &str = "https://issuer.example";
const AUDIENCE: &str = "inventory-api";

fn app() -> Router {
    let key = VerificationKey::ed_pem(PUBLIC)
        .expect("a public key")
        .with_kid("ed");
    let validator = JwtValidator::builder()
        .issuer(ISSUER, StaticKeys::new(KeySet::new([key])))
        .audience(AUDIENCE)
        .build()
        .expect("a valid validator");
    Router::new()
        .route(
            "/orders/{id}/items",
            get(|| async { "items" }).route_layer(RequireScope::new("order:item")),
        )
        .route(
            "/me",
            get(|principal: Principal| async move { principal.sub().unwrap_or_default().to_owned() }),
        )
        .layer(AuthLayer::new(validator))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

fn claims() -> Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "exp": now() + 300, "iat": now(), "scope": "order"})
}

fn token(claims: &Value) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("ed".into());
    header.typ = Some("at+jwt".into());
    let key = EncodingKey::from_ed_pem(PRIVATE).expect("a private key");
    jsonwebtoken::encode(&header, claims, &key).expect("signing")
}

#[tokio::test]
async fn a_valid_token_reaches_the_handler() {
    let app = app();
    let token = token(&claims());
    assert_eq!(get_with(&app, "/me", Some(&token)).await.body, "alice");
    assert_eq!(
        get_with(&app, "/orders/1/items", Some(&token)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn invalid_tokens_are_401_invalid_token() {
    let app = app();
    let mut expired = claims();
    expired["exp"] = json!(now() - 3600);
    let mut no_audience = claims();
    no_audience.as_object_mut().expect("an object").remove("aud");
    let mut bad_scope = claims();
    bad_scope["scope"] = json!("order\tinventory");
    let tampered = {
        let token = token(&claims());
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = parts[1].chars().rev().collect();
        parts.join(".")
    };
    for (name, token, description) in [
        ("expired", token(&expired), "the token has expired"),
        (
            "no audience",
            token(&no_audience),
            "the token lacks a required claim",
        ),
        (
            "tab in scope",
            token(&bad_scope),
            "the token's scope claim is malformed",
        ),
        ("tampered", tampered, ""),
    ] {
        let answer = get_with(&app, "/orders/1/items", Some(&token)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{name}");
        let challenge = answer.challenge.expect("a challenge");
        assert!(
            challenge.starts_with(r#"Bearer realm="scopeguard", error="invalid_token""#),
            "{name}: {challenge}"
        );
        assert!(challenge.contains(description), "{name}: {challenge}");
        assert!(!answer.body.contains(&token), "{name}: the token is never echoed");
    }
}

#[tokio::test]
async fn a_valid_token_without_the_scope_is_403() {
    let app = app();
    let mut claims = claims();
    claims["scope"] = json!("inventory");
    let answer = get_with(&app, "/orders/1/items", Some(&token(&claims))).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}
