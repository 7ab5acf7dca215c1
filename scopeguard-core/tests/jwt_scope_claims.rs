//! Where granted scopes come from (SPEC §2.2): the `scope` and `scp`
//! claims, as strings or arrays, in the configured order, never merged.

mod support;

use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::jwt::Algorithm;
use serde_json::json;
use support::{AUDIENCE, ISSUER, Signer, builder, claims, rejection, scopes, validator, with};

#[tokio::test]
async fn a_scope_claim_of_the_wrong_type_or_grammar_is_invalid() {
    let signer = Signer::rsa(Algorithm::RS256);
    for value in [
        json!(1),
        json!({}),
        json!(null),
        json!([1, 2]),
        json!(["order", null]),
        json!(["order item"]),
        json!("order\titem"),
        json!("order \"item\""),
        json!(true),
    ] {
        let token = signer.sign(&with("scope", value.clone()));
        assert_eq!(
            rejection(&validator(), &token).await,
            InvalidToken::InvalidScopeClaim,
            "{value}"
        );
        let mut scp = claims();
        scp.as_object_mut().unwrap().remove("scope");
        scp["scp"] = value.clone();
        assert_eq!(
            rejection(&validator(), &signer.sign(&scp)).await,
            InvalidToken::InvalidScopeClaim,
            "scp {value}"
        );
    }
}

#[tokio::test]
async fn the_first_configured_scope_claim_present_wins_and_is_never_merged() {
    let signer = Signer::rsa(Algorithm::RS256);
    let mut both = with("scope", json!("order"));
    both["scp"] = json!(["admin"]);
    let principal = validator().validate(&signer.sign(&both)).await.unwrap();
    assert_eq!(principal.scopes(), &scopes("order"));

    // `scope` is used even when `scp` is malformed.
    both["scp"] = json!(42);
    let principal = validator().validate(&signer.sign(&both)).await.unwrap();
    assert_eq!(principal.scopes(), &scopes("order"));
}

#[tokio::test]
async fn with_scp_configured_first_scp_wins_and_a_malformed_scope_is_ignored() {
    let signer = Signer::rsa(Algorithm::RS256);
    let scp_first = builder().scope_claims(["scp", "scope"]).build().unwrap();
    // Both valid: only `scp` is granted, `scope` ("order inventory:price") is not merged.
    let principal = scp_first
        .validate(&signer.sign(&with("scp", json!(["admin"]))))
        .await
        .unwrap();
    assert_eq!(principal.scopes(), &scopes("admin"));

    // A good `scp` and a malformed `scope`, in either order in the token.
    for malformed in [
        json!(42),
        json!("order\titem"),
        json!(["order item"]),
        json!(null),
    ] {
        let mut claims = with("scope", malformed.clone());
        claims["scp"] = json!(["admin", "audit:read"]);
        let principal = scp_first.validate(&signer.sign(&claims)).await.unwrap();
        assert_eq!(principal.scopes(), &scopes("admin audit:read"), "{malformed}");

        let reversed = format!(
            r#"{{"scp": ["admin"], "scope": {malformed}, "iss": "{ISSUER}", "aud": "{AUDIENCE}", "exp": {}}}"#,
            support::now() + 300
        );
        let token = signer.sign_parts(&signer.header().to_string(), &reversed);
        let principal = scp_first.validate(&token).await.unwrap();
        assert_eq!(principal.scopes(), &scopes("admin"), "{malformed}");
        // The default order reads `scope` and refuses the token.
        assert_eq!(
            rejection(&validator(), &token).await,
            InvalidToken::InvalidScopeClaim,
            "{malformed}"
        );
    }
}

#[tokio::test]
async fn scope_may_be_an_array_or_a_string() {
    let signer = Signer::rsa(Algorithm::RS256);
    for scope in [
        json!(["order:item", "inventory"]),
        json!(["inventory", "order:item", "inventory"]),
        json!("order:item  inventory "),
    ] {
        let principal = validator()
            .validate(&signer.sign(&with("scope", scope.clone())))
            .await
            .unwrap();
        assert_eq!(principal.scopes(), &scopes("inventory order:item"), "{scope}");
    }
    let principal = validator()
        .validate(&signer.sign(&with("scope", json!([]))))
        .await
        .unwrap();
    assert!(principal.scopes().is_empty());
    // Each element is exactly one scope-token.
    for scope in [json!(["order item"]), json!(["order", ""]), json!(["order", 1])] {
        assert_eq!(
            rejection(&validator(), &signer.sign(&with("scope", scope.clone()))).await,
            InvalidToken::InvalidScopeClaim,
            "{scope}"
        );
    }
}

#[tokio::test]
async fn scp_may_be_an_array_or_a_string() {
    let signer = Signer::rsa(Algorithm::RS256);
    for scp in [
        json!(["order:item", "inventory"]),
        json!("order:item  inventory "),
    ] {
        let mut claims = claims();
        claims.as_object_mut().unwrap().remove("scope");
        claims["scp"] = scp;
        let principal = validator().validate(&signer.sign(&claims)).await.unwrap();
        assert_eq!(principal.scopes(), &scopes("inventory order:item"));
    }
}

#[tokio::test]
async fn without_a_scope_claim_the_token_is_valid_and_grants_nothing() {
    let mut claims = claims();
    claims.as_object_mut().unwrap().remove("scope");
    let principal = validator()
        .validate(&Signer::rsa(Algorithm::RS256).sign(&claims))
        .await
        .unwrap();
    assert!(principal.scopes().is_empty());
}

#[tokio::test]
async fn configured_scope_claim_names_replace_the_defaults() {
    let custom = builder().scope_claims(["permissions"]).build().unwrap();
    let mut claims = with("permissions", json!(["read:messages"]));
    claims["scope"] = json!("ignored");
    let principal = custom
        .validate(&Signer::rsa(Algorithm::RS256).sign(&claims))
        .await
        .unwrap();
    assert_eq!(principal.scopes(), &scopes("read:messages"));
}
