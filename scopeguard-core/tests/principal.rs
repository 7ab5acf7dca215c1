//! The principal: typed claims, requirement checks with step-up (SPEC §2.4,
//! §3.2, RFC 9470), and redaction.

mod support;

use scopeguard_core::error::StepUpRequired;
use scopeguard_core::validation::jwt::Algorithm;
use scopeguard_core::{AuthError, Principal, Requirement, ScopePolicy};
use serde::Deserialize;
use serde_json::json;
use support::{HMAC_SECRET, Signer, builder, claims, now, validator};

async fn principal_with(extra: serde_json::Value) -> Principal {
    let mut claims = claims();
    for (name, value) in extra.as_object().expect("test fixture") {
        claims[name] = value.clone();
    }
    validator()
        .validate(&Signer::rsa(Algorithm::RS256).sign(&claims))
        .await
        .expect("a valid token")
}

fn requirement(text: &str) -> Requirement {
    Requirement::parse(text).expect("test fixture")
}

#[derive(Debug, Deserialize, PartialEq)]
struct TenantClaims {
    sub: String,
    tenant: String,
    limits: Limits,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Limits {
    orders_per_day: u32,
}

#[tokio::test]
async fn claims_are_exposed_typed() {
    let principal = principal_with(json!({"tenant": "acme", "limits": {"orders_per_day": 40}})).await;
    assert_eq!(
        principal.claims::<TenantClaims>().unwrap(),
        TenantClaims {
            sub: "alice".into(),
            tenant: "acme".into(),
            limits: Limits { orders_per_day: 40 },
        }
    );
    let untyped: serde_json::Map<String, serde_json::Value> = principal.claims().unwrap();
    assert_eq!(untyped["iss"], support::ISSUER);
}

#[tokio::test]
async fn typed_claims_of_the_wrong_shape_are_an_error() {
    let principal = principal_with(json!({"tenant": 42})).await;
    assert!(principal.claims::<TenantClaims>().is_err());
}

#[tokio::test]
async fn scopes_are_checked_under_the_validators_policy() {
    let principal = principal_with(json!({"scope": "admin:write"})).await;
    assert_eq!(
        principal.check(&requirement("user:write"), &()),
        Err(AuthError::InsufficientScope {
            scope: Some("user:write".into())
        })
    );
    let policy = ScopePolicy::builder()
        .implies("admin:write", ["user:write"])
        .build()
        .unwrap();
    let with_implication = builder().policy(policy).build().unwrap();
    let mut claims = claims();
    claims["scope"] = json!("admin:write");
    let principal = with_implication
        .validate(&Signer::rsa(Algorithm::RS256).sign(&claims))
        .await
        .unwrap();
    assert_eq!(principal.check(&requirement("user:write"), &()), Ok(()));
    assert!(std::sync::Arc::ptr_eq(
        principal.policy(),
        with_implication.policy()
    ));
}

#[tokio::test]
async fn template_scopes_are_filled_from_path_parameters() {
    let principal = principal_with(json!({"scope": "transaction-42"})).await;
    let approve = requirement("transaction-{tx}");
    assert_eq!(principal.check(&approve, &[("tx", "42")]), Ok(()));
    assert_eq!(
        principal.check(&approve, &[("tx", "7")]),
        Err(AuthError::InsufficientScope {
            scope: Some("transaction-7".into())
        })
    );
    assert_eq!(principal.check(&approve, &()).unwrap_err().status(), 500);
}

#[tokio::test]
async fn max_age_is_met_by_a_recent_authentication() {
    let principal = principal_with(json!({"scope": "payment.write", "auth_time": now() - 10})).await;
    assert_eq!(
        principal.check(&requirement("payment.write, max_age = 300"), &()),
        Ok(())
    );
}

#[tokio::test]
async fn max_age_fails_for_an_old_authentication_and_the_leeway_does_not_stretch_it() {
    // 330 s ago: within max_age plus the 60 s leeway, yet too old.
    let principal = principal_with(json!({"scope": "payment.write", "auth_time": now() - 330})).await;
    let error = principal
        .check(&requirement("payment.write, max_age = 300"), &())
        .unwrap_err();
    assert_eq!(
        error,
        AuthError::StepUpRequired(StepUpRequired {
            max_age: Some(300),
            acr_values: vec![]
        })
    );
    assert_eq!(error.status(), 401);
}

#[tokio::test]
async fn an_auth_time_slightly_in_the_future_is_a_fresh_authentication() {
    // Clock skew within the leeway: the token is valid, and its age is zero.
    let principal = principal_with(json!({"scope": "payment.write", "auth_time": now() + 30})).await;
    assert_eq!(
        principal.check(&requirement("payment.write, max_age = 0"), &()),
        Ok(())
    );
}

#[test]
fn a_built_principal_with_a_future_auth_time_is_never_a_fresh_authentication() {
    // No validator vouched for this `auth_time`, so no clock skew is
    // allowed: a user cannot have authenticated after now.
    for ahead in [5, 30, 3600, 100 * 365 * 86_400] {
        let principal = Principal::builder()
            .scopes("payment.write".parse().unwrap())
            .auth_time(now() + ahead)
            .build();
        assert_eq!(
            principal.check(&requirement("payment.write, max_age = 300"), &()),
            Err(AuthError::StepUpRequired(StepUpRequired {
                max_age: Some(300),
                acr_values: vec![]
            })),
            "{ahead} s ahead"
        );
    }
}

#[test]
fn a_built_principal_authenticated_just_now_meets_max_age() {
    let principal = Principal::builder()
        .scopes("payment.write".parse().unwrap())
        .auth_time(now())
        .build();
    assert_eq!(
        principal.check(&requirement("payment.write, max_age = 5"), &()),
        Ok(())
    );
}

#[tokio::test]
async fn max_age_fails_without_auth_time() {
    let principal = principal_with(json!({"scope": "payment.write"})).await;
    assert_eq!(
        principal.check(&requirement("payment.write, max_age = 300"), &()),
        Err(AuthError::StepUpRequired(StepUpRequired {
            max_age: Some(300),
            acr_values: vec![]
        }))
    );
}

#[tokio::test]
async fn acr_must_be_one_of_the_required_values() {
    let required = requirement(r#"payment.write, acr = "phr phrh""#);
    let denied = Err(AuthError::StepUpRequired(StepUpRequired {
        max_age: None,
        acr_values: vec!["phr".into(), "phrh".into()],
    }));
    let strong = principal_with(json!({"scope": "payment.write", "acr": "phrh"})).await;
    assert_eq!(strong.check(&required, &()), Ok(()));
    let weak = principal_with(json!({"scope": "payment.write", "acr": "pwd"})).await;
    assert_eq!(weak.check(&required, &()), denied);
    let none = principal_with(json!({"scope": "payment.write"})).await;
    assert_eq!(none.check(&required, &()), denied);
}

#[tokio::test]
async fn a_step_up_failure_carries_every_step_up_option_of_the_requirement() {
    let required = requirement(r#"payment.write, max_age = 300, acr = "phr""#);
    let old_but_strong =
        principal_with(json!({"scope": "payment.write", "acr": "phr", "auth_time": now() - 3600})).await;
    assert_eq!(
        old_but_strong.check(&required, &()),
        Err(AuthError::StepUpRequired(StepUpRequired {
            max_age: Some(300),
            acr_values: vec!["phr".into()],
        }))
    );
}

#[tokio::test]
async fn scopes_are_checked_before_step_up() {
    let principal = principal_with(json!({"scope": "order", "auth_time": now() - 3600})).await;
    assert_eq!(
        principal.check(&requirement("payment.write, max_age = 300"), &()),
        Err(AuthError::InsufficientScope {
            scope: Some("payment.write".into())
        })
    );
}

#[tokio::test]
async fn debug_shows_claim_names_never_values() {
    let principal = principal_with(json!({"tenant": "acme-secret-tenant", "acr": "phr-value"})).await;
    let debug = format!("{principal:?}");
    for name in ["sub", "tenant", "scope", "exp"] {
        assert!(debug.contains(name), "{debug}");
    }
    for value in [
        "alice",
        "acme-secret-tenant",
        "phr-value",
        "web-app",
        "inventory:price",
        support::ISSUER,
        support::AUDIENCE,
    ] {
        assert!(!debug.contains(value), "{value} leaked in {debug}");
    }
}

#[test]
fn the_validators_debug_holds_no_key_material() {
    let validator = builder().algorithms([Algorithm::HS256]).build().unwrap();
    let with_secret = scopeguard_core::JwtValidator::builder()
        .issuer(
            support::ISSUER,
            scopeguard_core::validation::keys::StaticKeys::new(
                scopeguard_core::validation::keys::KeySet::new([
                    scopeguard_core::validation::keys::VerificationKey::hmac_secret(HMAC_SECRET),
                ]),
            ),
        )
        .audience(support::AUDIENCE)
        .build()
        .unwrap();
    for debug in [format!("{validator:?}"), format!("{with_secret:?}")] {
        assert!(debug.contains(support::ISSUER), "{debug}");
        assert!(
            !debug.contains(std::str::from_utf8(HMAC_SECRET).unwrap()),
            "{debug}"
        );
        assert!(!debug.contains("MII"), "{debug}");
    }
}

#[test]
fn a_built_principal_checks_like_a_validated_one() {
    let principal = Principal::builder()
        .sub("tester")
        .scopes("order".parse().unwrap())
        .auth_time(now())
        .build();
    assert_eq!(
        principal.check(&requirement("order:item, max_age = 60"), &()),
        Ok(())
    );
    assert_eq!(principal.claims_json(), "{}");
    assert!(Principal::ptr_eq(&principal, &principal.clone()));
}
