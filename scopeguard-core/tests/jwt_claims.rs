//! Claims, types, algorithms and configuration of the JWT validator (SPEC
//! §2.2, §3.2).

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
mod support;

use captured_logs::capture;

use scopeguard_core::TokenCacheConfig;
use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::jwt::{
    Algorithm, AudienceProblem, JwtConfigProblem, JwtValidator, RoleMapping, TypeCheck,
};
use scopeguard_core::validation::keys::{KeySet, StaticKeys, VerificationKey};
use serde_json::json;
use support::{AUDIENCE, HMAC_SECRET, ISSUER, Signer, builder, claims, rejection, scopes, validator, with};

#[tokio::test]
async fn every_allowed_algorithm_verifies() {
    let validator = builder()
        .algorithms(
            scopeguard_core::validation::jwt::DEFAULT_ALGORITHMS
                .into_iter()
                .chain([Algorithm::HS256]),
        )
        .build()
        .unwrap();
    let hmac = JwtValidator::builder()
        .issuer(
            ISSUER,
            StaticKeys::new(KeySet::new([
                VerificationKey::hmac_secret(HMAC_SECRET).with_kid("hs")
            ])),
        )
        .audience(AUDIENCE)
        .algorithms([Algorithm::HS256, Algorithm::HS384, Algorithm::HS512])
        .build()
        .unwrap();
    let mut signers = vec![Signer::p256(), Signer::p384(), Signer::ed25519()];
    for alg in [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
    ] {
        signers.push(Signer::rsa(alg));
    }
    for signer in signers {
        let principal = validator.validate(&signer.sign(&claims())).await;
        assert!(principal.is_ok(), "{:?}: {principal:?}", signer.alg);
    }
    for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        let signer = Signer::new(
            alg,
            Some("hs"),
            jsonwebtoken::EncodingKey::from_secret(HMAC_SECRET),
        );
        assert!(hmac.validate(&signer.sign(&claims())).await.is_ok(), "{alg:?}");
    }
}

#[tokio::test]
async fn the_standard_claims_are_exposed() {
    let mut claims = claims();
    claims["aud"] = json!(["billing-api", AUDIENCE]);
    claims["auth_time"] = json!(1_700_000_000);
    claims["acr"] = json!("phr");
    let principal = validator()
        .validate(&Signer::rsa(Algorithm::RS256).sign(&claims))
        .await
        .unwrap();
    assert_eq!(principal.sub(), Some("alice"));
    assert_eq!(principal.client_id(), Some("web-app"));
    assert_eq!(principal.iss(), Some(ISSUER));
    assert_eq!(principal.aud(), ["billing-api", AUDIENCE]);
    assert_eq!(principal.exp(), claims["exp"].as_u64());
    assert_eq!(principal.iat(), claims["iat"].as_u64());
    assert_eq!(principal.auth_time(), Some(1_700_000_000));
    assert_eq!(principal.acr(), Some("phr"));
    assert_eq!(principal.scopes(), &scopes("order inventory:price"));
}

#[tokio::test]
async fn claims_of_the_wrong_json_type_are_invalid() {
    let signer = Signer::rsa(Algorithm::RS256);
    let cases = [
        ("exp", json!("4102444800")),
        ("exp", json!(null)),
        ("exp", json!([4_102_444_800_u64])),
        ("nbf", json!("0")),
        ("iat", json!({})),
        ("aud", json!(42)),
        ("aud", json!([AUDIENCE, 1])),
        ("aud", json!(null)),
        ("iss", json!(42)),
        ("sub", json!(7)),
        ("client_id", json!(["web-app"])),
        ("acr", json!(2)),
        ("auth_time", json!("yesterday")),
    ];
    for (claim, value) in cases {
        let token = signer.sign(&with(claim, value.clone()));
        assert_eq!(
            rejection(&validator(), &token).await,
            InvalidToken::InvalidClaim,
            "{claim}: {value}"
        );
    }
}

#[tokio::test]
async fn mapped_roles_add_scopes_to_the_granted_set() {
    let signer = Signer::rsa(Algorithm::RS256);
    let keycloak = builder()
        .role_mapping(
            RoleMapping::new("realm_access.roles")
                .role("admin", ["admin:write", "user:write"])
                .role("auditor", ["audit:read"]),
        )
        .build()
        .unwrap();
    let token = signer.sign(&with(
        "realm_access",
        json!({"roles": ["admin", "offline_access"], "other": 1}),
    ));
    let principal = keycloak.validate(&token).await.unwrap();
    assert_eq!(
        principal.scopes(),
        &scopes("order inventory:price admin:write user:write")
    );

    let flat = builder()
        .role_mapping(RoleMapping::at_path(["https://example.com/roles"]).role("auditor", ["audit:read"]))
        .build()
        .unwrap();
    let token = signer.sign(&with("https://example.com/roles", json!("auditor")));
    let principal = flat.validate(&token).await.unwrap();
    assert!(principal.scopes().contains("audit:read"));

    let without_roles = keycloak.validate(&signer.sign(&claims())).await.unwrap();
    assert_eq!(without_roles.scopes(), &scopes("order inventory:price"));
}

#[tokio::test]
async fn roles_of_the_wrong_type_make_the_token_invalid() {
    let signer = Signer::rsa(Algorithm::RS256);
    let keycloak = builder()
        .role_mapping(RoleMapping::new("realm_access.roles").role("admin", ["admin:write"]))
        .build()
        .unwrap();
    for realm_access in [
        json!("admin"),
        json!({"roles": [1]}),
        json!({"roles": {"admin": true}}),
    ] {
        let token = signer.sign(&with("realm_access", realm_access.clone()));
        assert_eq!(
            rejection(&keycloak, &token).await,
            InvalidToken::InvalidClaim,
            "{realm_access}"
        );
    }
}

#[tokio::test]
async fn typ_is_checked_by_mode() {
    let signer = Signer::rsa(Algorithm::RS256);
    let strict = builder().type_check(TypeCheck::AccessTokenOnly).build().unwrap();
    let token = |typ: Option<&str>| {
        let mut header = signer.header();
        match typ {
            Some(typ) => header["typ"] = json!(typ),
            None => {
                header.as_object_mut().unwrap().remove("typ");
            }
        }
        signer.sign_with_header(&header, &claims())
    };
    for typ in ["at+jwt", "at+JWT", "application/at+jwt", "APPLICATION/AT+JWT"] {
        assert!(validator().validate(&token(Some(typ))).await.is_ok(), "{typ}");
        assert!(strict.validate(&token(Some(typ))).await.is_ok(), "{typ}");
    }
    for typ in [Some("JWT"), Some("jwt"), Some("application/jwt"), None] {
        assert!(validator().validate(&token(typ)).await.is_ok(), "{typ:?}");
        assert_eq!(
            rejection(&strict, &token(typ)).await,
            InvalidToken::InvalidType,
            "{typ:?}"
        );
    }
    for typ in ["dpop+jwt", "JOSE", "", "secevent+jwt"] {
        assert_eq!(
            rejection(&validator(), &token(Some(typ))).await,
            InvalidToken::InvalidType,
            "{typ}"
        );
    }
}

#[tokio::test]
async fn the_audience_check_is_disabled_only_explicitly() {
    let anyone = JwtValidator::builder()
        .issuer(ISSUER, StaticKeys::new(support::all_keys()))
        .disable_audience_check()
        .build()
        .unwrap();
    let mut claims = claims();
    claims.as_object_mut().unwrap().remove("aud");
    let token = Signer::rsa(Algorithm::RS256).sign(&claims);
    assert!(anyone.validate(&token).await.is_ok());
    assert_eq!(rejection(&validator(), &token).await, InvalidToken::MissingClaim);
}

#[test]
fn every_configuration_problem_is_reported_at_once() {
    let keys = || StaticKeys::new(KeySet::default());
    let error = JwtValidator::builder()
        .issuer("", keys())
        .issuer(ISSUER, keys())
        .issuer(ISSUER, keys())
        .audience("")
        .disable_audience_check()
        .algorithms([])
        .scope_claims([""])
        .role_mapping(RoleMapping::new("realm_access..roles").role("admin", ["not a scope"]))
        .token_cache(TokenCacheConfig::default().max_bytes(0))
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [
            JwtConfigProblem::EmptyIssuer,
            JwtConfigProblem::DuplicateIssuer {
                issuer: ISSUER.to_owned()
            },
            JwtConfigProblem::Audience(AudienceProblem::AudiencesWithoutAudienceCheck),
            JwtConfigProblem::Audience(AudienceProblem::EmptyAudience),
            JwtConfigProblem::NoAlgorithm,
            JwtConfigProblem::EmptyScopeClaim,
            JwtConfigProblem::InvalidRolePath,
            JwtConfigProblem::InvalidRoleScope {
                role: "admin".to_owned(),
                error: "not a scope".parse::<scopeguard_core::Scope>().unwrap_err(),
            },
            JwtConfigProblem::EmptyTokenCache,
        ]
    );
    assert!(
        error
            .to_string()
            .contains("issuer `https://issuer.example` is configured twice")
    );
}

#[test]
fn an_audience_is_required_unless_the_check_is_disabled() {
    let error = JwtValidator::builder()
        .issuer(ISSUER, StaticKeys::new(KeySet::default()))
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [JwtConfigProblem::Audience(AudienceProblem::NoAudience)]
    );
}

#[tokio::test]
async fn every_deny_is_a_tracing_event_that_never_holds_the_token() {
    let (captured, _guard) = capture();

    let token = Signer::rsa(Algorithm::RS256).sign(&with("exp", json!(1)));
    assert_eq!(rejection(&validator(), &token).await, InvalidToken::Expired);
    let logged = captured.text();
    assert!(logged.contains("expired"), "{logged}");
    for part in token.split('.') {
        assert!(!logged.contains(part), "{logged}");
    }
}
