//! SPEC §3.5: opaque tokens checked at an introspection endpoint
//! (RFC 7662) on 127.0.0.1, and the JWT-or-introspection validator.
#![cfg(feature = "introspection")]

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
#[path = "../../test-support/shared/introspection_server.rs"]
mod introspection_server;

use std::time::Duration;

use captured_logs::capture;
use introspection_server::{
    AUDIENCE, Authenticated, CLIENT_ID, CLIENT_SECRET, ISSUER, IntrospectionServer, Reply, TIMEOUT, active,
    now, rejection, unavailable, unused_addr,
};
use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::introspection::{
    ClientAuthentication, IntrospectionValidator, JwtOrIntrospection,
};
use scopeguard_core::validation::jwt::{Algorithm, JwtValidator};
use scopeguard_core::validation::keys::{KeySet, StaticKeys, VerificationKey};
use scopeguard_core::{AuthError, Requirement, TokenValidator};
use serde_json::json;

// Answers.

#[tokio::test]
async fn an_active_answer_becomes_a_principal_with_its_members_and_scopes() {
    #[derive(serde::Deserialize)]
    struct Extra {
        username: String,
    }

    let server = IntrospectionServer::start().await;
    let exp = now() + 600;
    server.reply(
        "opaque-1",
        active(json!({
            "exp": exp,
            "iat": 1_700_000_000,
            "auth_time": 1_699_999_000,
            "acr": "urn:mace:incommon:iap:silver",
            "client_id": "shop-frontend",
            "aud": ["billing", AUDIENCE],
            "username": "alice@example.com",
            "token_type": "Bearer",
        })),
    );
    let principal = server.validator().validate("opaque-1").await.unwrap();

    assert_eq!(principal.sub(), Some("alice"));
    assert_eq!(principal.client_id(), Some("shop-frontend"));
    assert_eq!(principal.iss(), Some(ISSUER));
    assert_eq!(principal.aud(), ["billing", AUDIENCE]);
    assert_eq!(principal.exp(), Some(exp));
    assert_eq!(principal.iat(), Some(1_700_000_000));
    assert_eq!(principal.auth_time(), Some(1_699_999_000));
    assert_eq!(principal.acr(), Some("urn:mace:incommon:iap:silver"));
    assert_eq!(principal.scopes().as_space_delimited(), "inventory:price order");
    principal
        .check(
            &Requirement::parse("all(order:item, inventory:price)").unwrap(),
            &(),
        )
        .unwrap();
    assert_eq!(principal.claims::<Extra>().unwrap().username, "alice@example.com");
}

#[tokio::test]
async fn active_false_is_401_inactive() {
    let server = IntrospectionServer::start().await;
    server.reply("revoked", Reply::json(r#"{"active": false}"#));
    let validator = server.validator();
    assert_eq!(rejection(&validator, "revoked").await, InvalidToken::Inactive);
    assert_eq!(
        rejection(&validator, "never-issued").await,
        InvalidToken::Inactive
    );
    assert_eq!(AuthError::from(InvalidToken::Inactive).status(), 401);
}

#[tokio::test]
async fn an_exp_in_the_past_beyond_the_leeway_is_expired() {
    let server = IntrospectionServer::start().await;
    server.reply("long-gone", active(json!({"exp": now() - 120})));
    server.reply("just-gone", active(json!({"exp": now() - 5})));
    let validator = server.validator();
    assert_eq!(rejection(&validator, "long-gone").await, InvalidToken::Expired);
    assert!(
        validator.validate("just-gone").await.is_ok(),
        "within the 60 s leeway"
    );
}

#[tokio::test]
async fn an_nbf_in_the_future_beyond_the_leeway_is_not_yet_valid() {
    let server = IntrospectionServer::start().await;
    server.reply("early", active(json!({"nbf": now() + 600})));
    assert_eq!(
        rejection(&server.validator(), "early").await,
        InvalidToken::NotYetValid
    );
}

#[tokio::test]
async fn aud_must_contain_a_configured_audience() {
    let server = IntrospectionServer::start().await;
    server.reply("other-api", active(json!({"aud": "billing"})));
    server.reply("other-apis", active(json!({"aud": ["billing", "shipping"]})));
    let validator = server.validator();
    assert_eq!(
        rejection(&validator, "other-api").await,
        InvalidToken::InvalidAudience
    );
    assert_eq!(
        rejection(&validator, "other-apis").await,
        InvalidToken::InvalidAudience
    );
}

#[tokio::test]
async fn a_missing_aud_is_401_when_an_audience_is_configured() {
    let server = IntrospectionServer::start().await;
    server.reply("no-aud", active(json!({"aud": null})));
    assert_eq!(
        rejection(&server.validator(), "no-aud").await,
        InvalidToken::MissingClaim
    );
}

#[tokio::test]
async fn a_missing_aud_is_accepted_only_when_explicitly_relaxed() {
    let server = IntrospectionServer::start().await;
    server.reply("no-aud", active(json!({"aud": null})));
    server.reply("other-api", active(json!({"aud": "billing"})));
    let validator = server.builder().allow_missing_audience().build().unwrap();
    let principal = validator.validate("no-aud").await.unwrap();
    assert!(principal.aud().is_empty());
    assert_eq!(
        rejection(&validator, "other-api").await,
        InvalidToken::InvalidAudience,
        "an aud that is present must still match"
    );
}

#[tokio::test]
async fn iss_must_equal_the_configured_issuer_when_present() {
    let server = IntrospectionServer::start().await;
    server.reply("foreign", active(json!({"iss": "https://evil.example"})));
    server.reply("no-iss", active(json!({"iss": null})));
    let validator = server.validator();
    assert_eq!(
        rejection(&validator, "foreign").await,
        InvalidToken::InvalidIssuer
    );
    let principal = validator.validate("no-iss").await.unwrap();
    assert_eq!(principal.iss(), None);
}

#[tokio::test]
async fn a_scope_breaking_the_grammar_is_invalid_scope_claim() {
    let server = IntrospectionServer::start().await;
    server.reply("tab", active(json!({"scope": "order\tinventory"})));
    server.reply("quote", active(json!({"scope": "order \"inventory\""})));
    server.reply("array", active(json!({"scope": ["order"]})));
    let validator = server.validator();
    for token in ["tab", "quote", "array"] {
        assert_eq!(
            rejection(&validator, token).await,
            InvalidToken::InvalidScopeClaim,
            "{token}"
        );
    }
}

// Client authentication.

#[tokio::test]
async fn client_secret_basic_reaches_the_endpoint_with_form_encoded_credentials() {
    let server = IntrospectionServer::start().await;
    server.reply("opaque", active(json!({})));
    let validator = server
        .builder()
        .client_authentication(ClientAuthentication::ClientSecretBasic)
        .build()
        .unwrap();
    validator.validate("opaque").await.unwrap();
    assert_eq!(server.authenticated(), [Authenticated::Basic]);
}

#[tokio::test]
async fn client_secret_post_reaches_the_endpoint_with_credentials_in_the_form() {
    let server = IntrospectionServer::start().await;
    server.reply("opaque", active(json!({})));
    let validator = server
        .builder()
        .client_authentication(ClientAuthentication::ClientSecretPost)
        .build()
        .unwrap();
    validator.validate("opaque").await.unwrap();
    assert_eq!(server.authenticated(), [Authenticated::Post]);
}

#[tokio::test]
async fn a_client_the_endpoint_refuses_is_503_not_401() {
    let server = IntrospectionServer::start().await;
    server.reply("opaque", active(json!({})));
    let validator = IntrospectionValidator::builder(server.url())
        .client_credentials(CLIENT_ID, "the wrong secret")
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .build()
        .unwrap();
    assert!(unavailable(&validator, "opaque").await >= Duration::from_secs(1));
    assert_eq!(server.calls("opaque"), 0);
}

// Endpoint failures.

#[tokio::test]
async fn endpoint_failures_are_503_with_retry_after_and_never_cached() {
    let server = IntrospectionServer::start().await;
    let validator = server.validator();
    let too_large = format!(r#"{{"active": true, "pad": "{}"}}"#, "x".repeat(70 * 1024));
    let failures = [
        ("slow", active(json!({})).after(Duration::from_secs(2))),
        ("status-500", Reply::status(500)),
        ("status-503", Reply::status(503)),
        ("status-401", Reply::status(401)),
        ("redirect", Reply::redirect("http://127.0.0.1:9/introspect")),
        ("not-json", Reply::json("<html>oops</html>")),
        ("truncated", Reply::json(r#"{"active": true"#)),
        ("array", Reply::json("[true]")),
        (
            "active-missing",
            Reply::json(r#"{"sub": "alice", "aud": "orders-api"}"#),
        ),
        (
            "active-string",
            Reply::json(r#"{"active": "true", "aud": "orders-api"}"#),
        ),
        ("active-null", Reply::json(r#"{"active": null}"#)),
        (
            "active-twice",
            Reply::json(r#"{"active": false, "active": true}"#),
        ),
        ("too-large", Reply::json(too_large)),
    ];
    for (token, reply) in failures {
        server.reply(token, reply);
        let retry_after = unavailable(&validator, token).await;
        assert!(retry_after >= Duration::from_secs(1), "{token}: {retry_after:?}");
        assert_eq!(server.calls(token), 1, "{token}");

        server.reply(token, active(json!({})));
        validator
            .validate(token)
            .await
            .unwrap_or_else(|error| panic!("{token}: {error:?}"));
        assert_eq!(server.calls(token), 2, "{token}: the failure was not cached");
    }
}

#[tokio::test]
async fn an_unreachable_endpoint_is_503_with_retry_after() {
    let addr = unused_addr().await;
    let validator = IntrospectionValidator::builder(format!("http://{addr}/introspect"))
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .timeout(TIMEOUT)
        .build()
        .unwrap();
    assert!(unavailable(&validator, "opaque").await >= Duration::from_secs(1));
    assert!(unavailable(&validator, "opaque").await >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_slow_endpoint_fails_at_the_timeout() {
    let server = IntrospectionServer::start().await;
    server.reply("slow", active(json!({})).after(Duration::from_secs(5)));
    let validator = server.validator();
    let started = std::time::Instant::now();
    unavailable(&validator, "slow").await;
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn an_endpoint_failure_is_logged_with_its_cause_and_never_the_token() {
    let (captured, _guard) = capture();

    let server = IntrospectionServer::start().await;
    let token = "secret-opaque-token-value";
    server.reply(token, Reply::status(500));
    let validator = server.validator();
    unavailable(&validator, token).await;
    server.reply(token, Reply::json(r#"{"active": "yes"}"#));
    unavailable(&validator, token).await;

    let logged = captured.text();
    let warnings: Vec<&str> = logged.lines().filter(|line| line.contains("WARN")).collect();
    assert_eq!(warnings.len(), 2, "{logged}");
    assert!(warnings[0].contains("answered 500"), "{logged}");
    assert!(warnings[1].contains("no boolean `active` member"), "{logged}");
    assert!(!logged.contains(token), "{logged}");
    assert!(!format!("{validator:?}").contains(token));
    assert!(!format!("{validator:?}").contains(CLIENT_SECRET));
}

// JWT or introspection.

const HMAC_SECRET: &[u8] = b"a shared secret of at least 32 bytes";

fn jwt_validator() -> JwtValidator {
    JwtValidator::builder()
        .issuer(
            ISSUER,
            StaticKeys::new(KeySet::new([VerificationKey::hmac_secret(HMAC_SECRET)])),
        )
        .audience(AUDIENCE)
        .algorithms([Algorithm::HS256])
        .build()
        .expect("a valid configuration")
}

fn jwt(secret: &[u8]) -> String {
    scopeguard_core::validation::jwt::install_crypto_provider();
    let claims = json!({
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": now() + 600,
        "sub": "jwt-user",
        "scope": "order",
    });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .expect("a signed token")
}

#[tokio::test]
async fn jwt_or_introspection_verifies_jwts_locally_and_introspects_the_rest() {
    let server = IntrospectionServer::start().await;
    server.reply("2YotnFZFEjr1zCsicMWpAA", active(json!({"sub": "opaque-user"})));
    let validator = JwtOrIntrospection::new(jwt_validator(), server.validator());

    let token = jwt(HMAC_SECRET);
    let principal = validator.validate(&token).await.unwrap();
    assert_eq!(principal.sub(), Some("jwt-user"));
    assert_eq!(server.calls(&token), 0);

    let principal = validator.validate("2YotnFZFEjr1zCsicMWpAA").await.unwrap();
    assert_eq!(principal.sub(), Some("opaque-user"));
    assert_eq!(server.calls("2YotnFZFEjr1zCsicMWpAA"), 1);
}

#[tokio::test]
async fn a_jwt_the_jwt_validator_rejects_is_never_introspected() {
    let server = IntrospectionServer::start().await;
    let forged = jwt(b"another secret, also at least 32 bytes");
    server.reply(&forged, active(json!({})));
    let validator = JwtOrIntrospection::new(jwt_validator(), server.validator());
    assert_eq!(
        rejection(&validator, &forged).await,
        InvalidToken::InvalidSignature
    );
    assert_eq!(server.calls(&forged), 0);
}
