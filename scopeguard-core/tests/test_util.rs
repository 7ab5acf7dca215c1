//! SPEC §8: the in-memory issuer mints signed tokens with chosen scopes and
//! claims, and plugs into the validator with no network.
#![cfg(feature = "test-util")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use scopeguard_core::test_util::{
    DEFAULT_AUDIENCE, DEFAULT_CLIENT_ID, DEFAULT_ISSUER, DEFAULT_SUBJECT, TestIssuer, TestIssuerProblem,
};
use scopeguard_core::validation::jwt::{Algorithm, JwtValidator, TypeCheck};
use scopeguard_core::validation::keys::{KeySet, StaticKeys};
use scopeguard_core::{AuthError, Requirement, ScopePolicy};
use serde_json::{Value, json};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// The decoded JSON of one part of a compact JWS (0: header, 1: claims).
fn part(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).expect("three parts");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

/// Why `validator` refuses `token`: the error's stable label.
async fn refusal(validator: &JwtValidator, token: &str) -> &'static str {
    validator
        .validate(token)
        .await
        .expect_err("the token is refused")
        .label()
}

#[tokio::test]
async fn a_minted_token_is_a_valid_rfc_9068_access_token_for_five_minutes() {
    let issuer = TestIssuer::new();
    let token = issuer.token().sign();

    let header = part(&token, 0);
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["kid"], issuer.kid());
    let claims = part(&token, 1);
    for claim in ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"] {
        assert!(claims.get(claim).is_some(), "{claim} is present");
    }
    assert!(claims.get("scope").is_none(), "no scope unless asked");

    let principal = issuer.validator().validate(&token).await.expect("valid");
    assert_eq!(principal.iss(), Some(DEFAULT_ISSUER));
    assert_eq!(principal.aud(), [DEFAULT_AUDIENCE]);
    assert_eq!(principal.sub(), Some(DEFAULT_SUBJECT));
    assert_eq!(principal.client_id(), Some(DEFAULT_CLIENT_ID));
    assert!(principal.scopes().is_empty());
    let (iat, exp) = (principal.iat().expect("iat"), principal.exp().expect("exp"));
    assert_eq!(exp - iat, 300);
    assert!(iat.abs_diff(now()) <= 5);
}

#[tokio::test]
async fn each_token_has_its_own_id() {
    let issuer = TestIssuer::new();
    let (first, second) = (issuer.token().sign(), issuer.token().sign());
    assert_ne!(part(&first, 1)["jti"], part(&second, 1)["jti"]);
}

#[tokio::test]
async fn scopes_claims_auth_time_and_acr_reach_the_principal() {
    #[derive(serde::Deserialize)]
    struct Tenant {
        tenant: String,
    }

    let issuer = TestIssuer::new();
    let token = issuer
        .token()
        .scopes("order inventory:price.write")
        .sub("alice")
        .client_id("web")
        .claim("tenant", json!("acme"))
        .auth_time(1_700_000_000)
        .acr("phr")
        .sign();
    let principal = issuer.validator().validate(&token).await.expect("valid");

    assert_eq!(principal.sub(), Some("alice"));
    assert_eq!(principal.client_id(), Some("web"));
    assert_eq!(principal.auth_time(), Some(1_700_000_000));
    assert_eq!(principal.acr(), Some("phr"));
    assert_eq!(principal.claims::<Tenant>().expect("typed claims").tenant, "acme");
    assert_eq!(
        principal.scopes().iter().collect::<Vec<_>>(),
        ["inventory:price.write", "order"]
    );
    principal
        .check(
            &Requirement::parse("all(order:item, inventory:price.write)").expect("requirement"),
            &(),
        )
        .expect("granted");
    assert_eq!(
        principal.check(&Requirement::parse("inventory:stock").expect("requirement"), &()),
        Err(AuthError::InsufficientScope {
            scope: Some("inventory:stock".into())
        })
    );
}

#[tokio::test]
async fn authenticated_ago_drives_the_step_up_max_age() {
    let issuer = TestIssuer::new();
    let validator = issuer.validator();
    let payment = Requirement::parse("payment.write")
        .expect("requirement")
        .with_max_age(300);

    let recent = issuer
        .token()
        .scopes("payment.write")
        .authenticated_ago(Duration::from_secs(60))
        .sign();
    let principal = validator.validate(&recent).await.expect("valid");
    assert!(principal.auth_time().expect("auth_time").abs_diff(now() - 60) <= 5);
    principal.check(&payment, &()).expect("recent enough");

    let stale = issuer
        .token()
        .scopes("payment.write")
        .authenticated_ago(Duration::from_secs(3600))
        .sign();
    let denial = validator
        .validate(&stale)
        .await
        .expect("valid")
        .check(&payment, &())
        .expect_err("too old");
    assert_eq!(denial.label(), "insufficient_user_authentication");
}

#[tokio::test]
async fn an_expired_token_is_rejected() {
    let issuer = TestIssuer::new();
    let validator = issuer.validator();
    assert_eq!(
        refusal(&validator, &issuer.token().expired().sign()).await,
        "expired"
    );

    let short = issuer.token().expires_in(Duration::from_secs(30)).sign();
    let exp = validator.validate(&short).await.expect("valid").exp();
    assert!(exp.expect("exp").abs_diff(now() + 30) <= 5);
}

#[tokio::test]
async fn a_token_for_another_audience_is_rejected() {
    let issuer = TestIssuer::new();
    let validator = issuer.validator();
    assert_eq!(
        refusal(&validator, &issuer.token().audience("another-api").sign()).await,
        "invalid_audience"
    );
    let several = issuer.token().audiences(["another-api", DEFAULT_AUDIENCE]).sign();
    assert_eq!(
        validator.validate(&several).await.expect("valid").aud(),
        ["another-api", DEFAULT_AUDIENCE]
    );
}

#[tokio::test]
async fn a_token_naming_another_issuer_is_rejected() {
    let issuer = TestIssuer::new();
    let token = issuer.token().issuer("https://elsewhere.test").sign();
    assert_eq!(refusal(&issuer.validator(), &token).await, "invalid_issuer");
}

#[tokio::test]
async fn a_token_without_a_required_claim_is_rejected() {
    let issuer = TestIssuer::new();
    assert_eq!(
        refusal(&issuer.validator(), &issuer.token().without_claim("exp").sign()).await,
        "missing_claim"
    );
}

#[tokio::test]
async fn scopes_are_written_as_given_so_bad_grammar_is_refused() {
    let issuer = TestIssuer::new();
    let token = issuer.token().scopes("order \"quoted\"").sign();
    assert_eq!(refusal(&issuer.validator(), &token).await, "invalid_scope_claim");
}

#[tokio::test]
async fn header_typ_and_kid_can_be_changed() {
    let issuer = TestIssuer::new();
    let validator = issuer.validator();

    let jwt = issuer.token().header_typ("JWT").sign();
    assert_eq!(part(&jwt, 0)["typ"], "JWT");
    validator.validate(&jwt).await.expect("JWT accepted by default");
    assert_eq!(
        refusal(&validator, &issuer.token().header_typ("dpop+jwt").sign()).await,
        "invalid_type"
    );

    let strict = issuer
        .validator_builder()
        .type_check(TypeCheck::AccessTokenOnly)
        .build()
        .expect("valid configuration");
    let untyped = issuer.token().without_header_typ().sign();
    assert!(part(&untyped, 0).get("typ").is_none());
    assert_eq!(refusal(&strict, &untyped).await, "invalid_type");
    strict
        .validate(&issuer.token().sign())
        .await
        .expect("at+jwt passes the strict check");

    // Without `kid`, the one key that fits the algorithm is used.
    let no_kid = issuer.token().without_kid().sign();
    assert!(part(&no_kid, 0).get("kid").is_none());
    validator.validate(&no_kid).await.expect("the only key");
    assert_eq!(
        refusal(&validator, &issuer.token().kid("rotated-away").sign()).await,
        "unknown_key"
    );
}

#[tokio::test]
async fn each_asymmetric_algorithm_mints_tokens_its_validator_accepts() {
    let algorithms = [
        Algorithm::EdDSA,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
    ];
    for algorithm in algorithms {
        let issuer = TestIssuer::builder()
            .algorithm(algorithm)
            .build()
            .expect("a key for the algorithm");
        assert_eq!(issuer.algorithm(), algorithm);
        let token = issuer.token().scopes("order").sub("alice").sign();
        assert_eq!(
            part(&token, 0)["alg"],
            serde_json::to_value(algorithm).expect("a name")
        );
        let principal = issuer
            .validator()
            .validate(&token)
            .await
            .unwrap_or_else(|error| panic!("{algorithm:?}: {}", error.label()));
        assert_eq!(principal.sub(), Some("alice"), "{algorithm:?}");
    }
}

#[tokio::test]
async fn the_validator_accepts_only_the_issuers_algorithm() {
    let issuer = TestIssuer::builder()
        .algorithm(Algorithm::ES256)
        .build()
        .expect("issuer");
    assert_eq!(issuer.validator().algorithms(), [Algorithm::ES256]);
    assert_eq!(issuer.validator().issuers().collect::<Vec<_>>(), [DEFAULT_ISSUER]);
}

#[test]
fn a_test_issuer_refuses_hmac_and_reports_every_problem() {
    let error = TestIssuer::builder()
        .issuer("")
        .audience("")
        .kid("")
        .algorithm(Algorithm::HS256)
        .build()
        .expect_err("refused");
    assert_eq!(
        error.problems(),
        [
            TestIssuerProblem::EmptyIssuer,
            TestIssuerProblem::EmptyAudience,
            TestIssuerProblem::EmptyKid,
            TestIssuerProblem::UnsupportedAlgorithm {
                algorithm: Algorithm::HS256
            },
        ]
    );
}

#[tokio::test]
async fn the_jwks_document_holds_the_public_key_that_verifies_the_issuers_tokens() {
    let issuer = TestIssuer::builder()
        .algorithm(Algorithm::ES256)
        .kid("signing-1")
        .build()
        .expect("issuer");
    let document: Value = serde_json::from_str(&issuer.jwks_json()).expect("JSON");
    let keys = document["keys"].as_array().expect("a key array");
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["kid"], "signing-1");
    assert_eq!(keys[0]["alg"], "ES256");
    assert_eq!(keys[0]["use"], "sig");
    assert_eq!(keys[0]["crv"], "P-256");
    assert!(keys[0].get("d").is_none(), "no private key member");

    let key_set = KeySet::from_jwks_json(issuer.jwks_json().as_bytes()).expect("a key set");
    assert_eq!((key_set.len(), key_set.skipped().len()), (1, 0));
    let validator = JwtValidator::builder()
        .issuer(issuer.issuer(), StaticKeys::new(key_set))
        .audience(issuer.audience())
        .build()
        .expect("valid configuration");
    let principal = validator
        .validate(&issuer.token().sub("alice").sign())
        .await
        .expect("verified with the published key");
    assert_eq!(principal.sub(), Some("alice"));
}

#[tokio::test]
async fn the_default_kid_is_the_keys_thumbprint() {
    let issuer = TestIssuer::new();
    let thumbprint = issuer
        .public_jwk()
        .thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256)
        .expect("a thumbprint");
    assert_eq!(issuer.kid(), thumbprint);
}

#[tokio::test]
async fn two_issuers_have_different_keys() {
    let first = TestIssuer::builder().kid("same").build().expect("issuer");
    let second = TestIssuer::builder().kid("same").build().expect("issuer");
    assert_ne!(first.jwks_json(), second.jwks_json());
    assert_eq!(
        refusal(&second.validator(), &first.token().sign()).await,
        "invalid_signature"
    );
    assert_ne!(TestIssuer::new().kid(), TestIssuer::new().kid());
}

#[tokio::test]
async fn clones_share_the_key() {
    let issuer = TestIssuer::new();
    let clone = issuer.clone();
    issuer
        .validator()
        .validate(&clone.token().sign())
        .await
        .expect("same key");
}

#[tokio::test]
async fn the_validator_builder_keeps_the_policy_knobs() {
    let issuer = TestIssuer::new();
    let validator = issuer
        .validator_builder()
        .policy(
            ScopePolicy::builder()
                .implies("admin:write", ["user:write"])
                .build()
                .expect("policy"),
        )
        .build()
        .expect("valid configuration");
    let principal = validator
        .validate(&issuer.token().scopes("admin").sign())
        .await
        .expect("valid");
    principal
        .check(&Requirement::parse("user:write").expect("requirement"), &())
        .expect("implied by admin:write");
    let default = issuer.validator();
    let principal = default
        .validate(&issuer.token().scopes("admin").sign())
        .await
        .expect("valid");
    assert!(
        principal
            .check(&Requirement::parse("user:write").expect("requirement"), &())
            .is_err()
    );
}

#[test]
fn debug_shows_neither_keys_nor_claim_values() {
    let issuer = TestIssuer::new();
    let shown = format!("{issuer:?}");
    assert!(shown.contains(DEFAULT_ISSUER) && shown.contains(issuer.kid()));
    let x = issuer.public_jwk();
    let public = serde_json::to_value(x).expect("JSON")["x"].clone();
    assert!(!shown.contains(public.as_str().expect("x")));

    let token = issuer
        .token()
        .sub("alice-secret-subject")
        .claim("tenant", json!("acme-tenant"));
    let shown = format!("{token:?}");
    assert!(shown.contains("tenant"));
    assert!(!shown.contains("alice-secret-subject") && !shown.contains("acme-tenant"));
}

#[test]
fn the_discovery_document_names_the_issuer_and_the_jwks_uri() {
    let issuer = TestIssuer::builder()
        .issuer("http://127.0.0.1:9000")
        .build()
        .expect("issuer");
    let metadata: Value =
        serde_json::from_str(&issuer.discovery_json("http://127.0.0.1:9000/jwks.json")).expect("JSON");
    assert_eq!(
        metadata,
        json!({"issuer": "http://127.0.0.1:9000", "jwks_uri": "http://127.0.0.1:9000/jwks.json"})
    );
}

/// The issuer published over loopback, as a development issuer is: a
/// validator discovers its keys over HTTP and accepts its tokens.
#[cfg(feature = "remote-keys")]
#[tokio::test]
async fn a_published_issuer_is_found_through_discovery() {
    use axum::Router;
    use axum::routing::get;
    use scopeguard_core::validation::keys::JwksSource;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let issuer = TestIssuer::builder().issuer(&base).build().expect("issuer");
    let jwks_uri = format!("{base}/jwks.json");
    let (jwks, metadata) = (issuer.jwks_json(), issuer.discovery_json(&jwks_uri));
    let app = Router::new()
        .route("/jwks.json", get(move || std::future::ready(jwks)))
        .route(
            "/.well-known/openid-configuration",
            get(move || std::future::ready(metadata)),
        );
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let keys = JwksSource::discover(&base)
        .timeout(Duration::from_secs(5))
        .build()
        .await
        .expect("a key source");
    let validator = JwtValidator::builder()
        .issuer(&base, keys)
        .audience(issuer.audience())
        .build()
        .expect("valid configuration");
    let principal = validator
        .validate(&issuer.token().sub("alice").scopes("order").sign())
        .await
        .expect("verified with the discovered keys");
    assert_eq!(principal.sub(), Some("alice"));
    server.abort();
}
