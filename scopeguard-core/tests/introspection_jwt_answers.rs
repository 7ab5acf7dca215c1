//! SPEC §3.5 with RFC 9701: signed introspection answers. The endpoint on
//! 127.0.0.1 answers with a JWT of the authorization server; the validator
//! verifies it with the server's keys and reads its `token_introspection`
//! claim. An answer it cannot trust is an endpoint failure (503, a warning
//! naming the check); a trusted answer saying `active: false` is 401.
#![cfg(all(feature = "introspection", feature = "test-util"))]

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
#[path = "../../test-support/shared/introspection_server.rs"]
mod introspection_server;

use captured_logs::capture;
use introspection_server::{
    AUDIENCE, CLIENT_ID, ISSUER, IntrospectionServer, Reply, now, rejection, unavailable,
};
use scopeguard_core::error::InvalidToken;
use scopeguard_core::test_util::{TestIssuer, TokenBuilder};
use scopeguard_core::validation::introspection::{
    IntrospectionConfigProblem, IntrospectionJwtValidator, IntrospectionValidator,
};
use serde_json::{Value, json};

const TOKEN: &str = "opaque-token-7d1e";

/// The authorization server: signs answers as [`ISSUER`].
fn authorization_server() -> TestIssuer {
    TestIssuer::builder()
        .issuer(ISSUER)
        .audience(CLIENT_ID)
        .kid("as-key")
        .build()
        .expect("a test issuer")
}

/// An RFC 7662 answer for an active token of [`AUDIENCE`].
fn active_answer() -> Value {
    json!({
        "active": true,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": now() + 600,
        "sub": "alice",
        "scope": "order inventory:price",
    })
}

/// `answer` signed by `issuer` as an RFC 9701 answer to [`CLIENT_ID`].
fn signed(issuer: &TestIssuer, answer: &Value) -> String {
    issuer
        .token()
        .header_typ("token-introspection+jwt")
        .audience(CLIENT_ID)
        .without_claim("exp")
        .without_claim("sub")
        .without_claim("client_id")
        .claim("token_introspection", answer.clone())
        .sign()
}

fn validator(server: &IntrospectionServer, issuer: &TestIssuer) -> IntrospectionValidator {
    server
        .builder()
        .jwt_answers(issuer.keys())
        .without_cache()
        .build()
        .expect("a valid configuration")
}

#[tokio::test]
async fn a_signed_active_answer_becomes_a_principal_that_keeps_the_jwt() {
    let server = IntrospectionServer::start().await;
    let issuer = authorization_server();
    let jwt = signed(&issuer, &active_answer());
    server.reply(TOKEN, Reply::jwt(jwt.clone()));

    let principal = validator(&server, &issuer).validate(TOKEN).await.unwrap();

    assert_eq!(principal.sub(), Some("alice"));
    assert_eq!(principal.scopes().as_space_delimited(), "inventory:price order");
    assert_eq!(principal.introspection_jwt(), Some(jwt.as_str()));
    let debug = format!("{principal:?}");
    assert!(!debug.contains(&jwt), "{debug}");
    assert!(debug.contains("introspection_jwt: <present>"), "{debug}");
}

#[tokio::test]
async fn a_plain_answer_keeps_no_jwt_and_stays_the_default() {
    let server = IntrospectionServer::start().await;
    server.reply(TOKEN, Reply::json(active_answer().to_string()));
    let principal = server.validator().validate(TOKEN).await.unwrap();
    assert_eq!(principal.introspection_jwt(), None);
}

#[tokio::test]
async fn a_signed_inactive_answer_is_an_inactive_token() {
    let server = IntrospectionServer::start().await;
    let issuer = authorization_server();
    server.reply(TOKEN, Reply::jwt(signed(&issuer, &json!({"active": false}))));
    assert_eq!(
        rejection(&validator(&server, &issuer), TOKEN).await,
        InvalidToken::Inactive
    );
}

#[tokio::test]
async fn the_token_inside_a_signed_answer_is_checked_as_usual() {
    let server = IntrospectionServer::start().await;
    let issuer = authorization_server();
    let mut answer = active_answer();
    answer["aud"] = json!("another-api");
    server.reply(TOKEN, Reply::jwt(signed(&issuer, &answer)));
    assert_eq!(
        rejection(&validator(&server, &issuer), TOKEN).await,
        InvalidToken::InvalidAudience
    );
}

/// Each untrusted answer, and the words its warning must contain.
fn untrusted_answers(issuer: &TestIssuer) -> Vec<(&'static str, String, &'static str)> {
    let answer = active_answer();
    let impostor = TestIssuer::builder()
        .issuer(ISSUER)
        .audience(CLIENT_ID)
        .kid("as-key")
        .build()
        .expect("a test issuer");
    let with = |change: &dyn Fn(TokenBuilder) -> TokenBuilder| {
        change(
            issuer
                .token()
                .header_typ("token-introspection+jwt")
                .audience(CLIENT_ID)
                .claim("token_introspection", answer.clone()),
        )
        .sign()
    };
    vec![
        ("bad signature", signed(&impostor, &answer), "signature"),
        (
            "wrong aud",
            with(&|token| token.audience("another-client")),
            "`aud`",
        ),
        ("no aud", with(&|token| token.without_claim("aud")), "`aud`"),
        ("wrong typ", with(&|token| token.header_typ("at+jwt")), "`typ`"),
        ("no typ", with(&|token| token.without_header_typ()), "`typ`"),
        (
            "wrong iss",
            with(&|token| token.issuer("https://evil.example")),
            "`iss`",
        ),
        (
            "iat in the future",
            with(&|token| token.claim("iat", json!(now() + 3600))),
            "`iat`",
        ),
        ("no iat", with(&|token| token.without_claim("iat")), "`iat`"),
        (
            "no token_introspection",
            with(&|token| token.without_claim("token_introspection")),
            "token_introspection",
        ),
        (
            "token_introspection not an object",
            with(&|token| token.claim("token_introspection", json!("active"))),
            "token_introspection",
        ),
        ("a plain JSON answer", answer.to_string(), "not a signed JWT"),
    ]
}

#[tokio::test]
async fn an_answer_that_cannot_be_trusted_is_an_endpoint_failure_with_a_warning() {
    let server = IntrospectionServer::start().await;
    let issuer = authorization_server();
    let validator = validator(&server, &issuer);
    for (name, body, cause) in untrusted_answers(&issuer) {
        let reply = if body.starts_with('{') {
            Reply::json(body.clone())
        } else {
            Reply::jwt(body.clone())
        };
        server.reply(TOKEN, reply);
        let (logs, guard) = capture();
        unavailable(&validator, TOKEN).await;
        drop(guard);
        let logs = logs.text();
        assert!(
            logs.contains("WARN") && logs.contains("token introspection failed") && logs.contains(cause),
            "{name}: {logs}"
        );
        assert!(!logs.contains(TOKEN) && !logs.contains(&body), "{name}: {logs}");
    }
}

#[tokio::test]
async fn an_untrusted_answer_is_never_cached() {
    let server = IntrospectionServer::start().await;
    let issuer = authorization_server();
    let validator = server
        .builder()
        .jwt_answers(issuer.keys())
        .build()
        .expect("a valid configuration");
    let impostor = TestIssuer::builder()
        .issuer(ISSUER)
        .kid("as-key")
        .build()
        .unwrap();
    server.reply(TOKEN, Reply::jwt(signed(&impostor, &active_answer())));
    unavailable(&validator, TOKEN).await;
    server.reply(TOKEN, Reply::jwt(signed(&issuer, &active_answer())));
    validator.validate(TOKEN).await.expect("the endpoint healed");
    assert_eq!(server.calls(TOKEN), 2);
}

#[test]
fn signed_answers_need_the_issuer_check() {
    let issuer = authorization_server();
    let error = IntrospectionValidator::builder("https://idp.example/introspect")
        .client_credentials(CLIENT_ID, "secret")
        .disable_issuer_check()
        .audience(AUDIENCE)
        .jwt_answers(issuer.keys())
        .jwt_answer_algorithms([])
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [
            IntrospectionConfigProblem::JwtAnswersWithoutIssuer,
            IntrospectionConfigProblem::NoJwtAnswerAlgorithm
        ]
    );
    let error = IntrospectionValidator::builder("https://idp.example/introspect")
        .client_credentials(CLIENT_ID, "secret")
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .jwt_answers(issuer.keys())
        .jwt_answer_algorithms([])
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [IntrospectionConfigProblem::NoJwtAnswerAlgorithm]
    );
}

// The API's side: the signed answer a gateway forwards, validated locally.

fn forwarded_validator(issuer: &TestIssuer) -> IntrospectionJwtValidator {
    IntrospectionJwtValidator::builder(ISSUER, CLIENT_ID, issuer.keys())
        .audience(AUDIENCE)
        .build()
        .expect("a valid configuration")
}

#[tokio::test]
async fn a_forwarded_answer_is_validated_locally() {
    let issuer = authorization_server();
    let jwt = signed(&issuer, &active_answer());
    let principal = forwarded_validator(&issuer).validate(&jwt).await.unwrap();
    assert_eq!(principal.sub(), Some("alice"));
    assert_eq!(principal.scopes().as_space_delimited(), "inventory:price order");
    assert_eq!(principal.introspection_jwt(), Some(jwt.as_str()));
}

#[tokio::test]
async fn a_forwarded_answer_that_is_not_one_is_an_invalid_token() {
    let issuer = authorization_server();
    let validator = forwarded_validator(&issuer);
    let mut other_api = active_answer();
    other_api["aud"] = json!("another-api");
    let answer = |change: fn(TokenBuilder) -> TokenBuilder| {
        change(
            issuer
                .token()
                .header_typ("token-introspection+jwt")
                .audience(CLIENT_ID)
                .claim("token_introspection", active_answer()),
        )
        .sign()
    };
    for (name, jwt, reason) in [
        (
            "inactive",
            signed(&issuer, &json!({"active": false})),
            InvalidToken::Inactive,
        ),
        (
            "for another API",
            signed(&issuer, &other_api),
            InvalidToken::InvalidAudience,
        ),
        (
            "an access token",
            issuer.token().scopes("order").sign(),
            InvalidToken::InvalidType,
        ),
        (
            "asked for by another client",
            answer(|token| token.audience("another-gateway")),
            InvalidToken::InvalidAudience,
        ),
        (
            "older than max_age",
            answer(|token| token.claim("iat", json!(now() - 3600))),
            InvalidToken::Expired,
        ),
        ("opaque", "opaque-token".to_owned(), InvalidToken::Malformed),
    ] {
        assert_eq!(rejection(&validator, &jwt).await, reason, "{name}");
    }
}
