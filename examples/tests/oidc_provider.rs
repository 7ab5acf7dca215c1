//! SPEC §3.2 and §3.3 against a real OpenID provider: JWT access tokens
//! issued by Node's `oidc-provider` (`test-support/oidc`) with the
//! client-credentials grant, validated with keys found by discovery.
//!
//! Needs Node and `npm ci` in `test-support/oidc`; without them the tests skip with a
//! message, except under CI (`CI` set), where they fail.

mod oidc_support;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use oidc_support::{CLIENT_ID, OidcProvider, TokenError};
use scopeguard_core::error::{InvalidToken, Unavailable};
use scopeguard_core::validation::jwt::{JwtValidator, TypeCheck};
use scopeguard_core::validation::keys::{JwksSource, KeySource};
use scopeguard_core::{AuthError, GrantedScopes, Requirement};

/// The resource the validators protect: the conformance servers' default
/// resource identifier (SPEC §7).
const RESOURCE: &str = "http://127.0.0.1:8080";
/// Another resource server of the same provider.
const OTHER_RESOURCE: &str = "http://127.0.0.1:8081/billing";

/// Every non-template scope the conformance servers require (SPEC §7), and
/// `transaction-42`.
const CONFORMANCE_SCOPES: &str = "order order:item order:shipping:address inventory:price \
    inventory:price.write inventory:sales report:read admin:read audit:read admin:write user:write \
    payment.write transaction-42 https://www.examplecompany.com/private_catalog.readonly \
    urn:examplecompany:product_price:update";

/// A provider issuing RS256 tokens for [`RESOURCE`] and [`OTHER_RESOURCE`];
/// `None` when the test is skipped.
async fn provider() -> Option<OidcProvider> {
    OidcProvider::builder()
        .resource(RESOURCE)
        .resource(OTHER_RESOURCE)
        .start()
        .await
}

/// The provider's keys, found by discovery from its issuer.
async fn discovered_keys(issuer: &str) -> Arc<dyn KeySource> {
    Arc::new(
        JwksSource::discover(issuer)
            .timeout(Duration::from_secs(5))
            .build()
            .await
            .expect("a valid key source configuration"),
    )
}

/// A validator for `audience` trusting the provider, with keys found by
/// discovery, accepting only RFC 9068 access tokens (`typ: at+jwt`).
fn validator(issuer: &str, keys: Arc<dyn KeySource>, audience: &str) -> JwtValidator {
    JwtValidator::builder()
        .issuer_with_shared_keys(issuer, keys)
        .audience(audience)
        .type_check(TypeCheck::AccessTokenOnly)
        .build()
        .expect("a valid validator configuration")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after the epoch")
        .as_secs()
}

#[tokio::test]
async fn the_provider_issues_rfc_9068_jwt_access_tokens() {
    let Some(provider) = provider().await else { return };

    let token = provider
        .client_credentials("order", RESOURCE)
        .await
        .expect("a token");

    assert_eq!(token.parts(), 3, "a compact JWS");
    let header = token.header();
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["alg"], "RS256");
    assert!(header["kid"].is_string(), "the header names its key");
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, Some(300));
}

#[tokio::test]
async fn a_provider_token_validates_with_keys_found_by_discovery() {
    let Some(provider) = provider().await else { return };
    let keys = discovered_keys(provider.issuer()).await;
    let validator = validator(provider.issuer(), Arc::clone(&keys), RESOURCE);

    let token = provider
        .client_credentials("order", RESOURCE)
        .await
        .expect("a token");
    let principal = validator.validate(token.secret()).await.expect("a valid token");

    let kid = token.header()["kid"].as_str().expect("a kid").to_owned();
    assert!(
        keys.key_set().expect("a key set").has_kid(&kid),
        "the discovered JWKS holds the signing key"
    );
    assert_eq!(principal.iss(), Some(provider.issuer()));
    assert_eq!(principal.aud(), [RESOURCE]);
    assert!(principal.exp().is_some_and(|exp| exp > now()));
}

#[tokio::test]
async fn a_client_credentials_token_names_the_client_as_subject_and_client_id() {
    let Some(provider) = provider().await else { return };
    let validator = validator(
        provider.issuer(),
        discovered_keys(provider.issuer()).await,
        RESOURCE,
    );

    let token = provider
        .client_credentials("order", RESOURCE)
        .await
        .expect("a token");
    let principal = validator.validate(token.secret()).await.expect("a valid token");

    assert_eq!(principal.client_id(), Some(CLIENT_ID));
    assert_eq!(principal.sub(), Some(CLIENT_ID));
}

#[tokio::test]
async fn the_granted_scopes_are_the_scopes_asked_for() {
    let Some(provider) = provider().await else { return };
    let validator = validator(
        provider.issuer(),
        discovered_keys(provider.issuer()).await,
        RESOURCE,
    );
    let asked = GrantedScopes::from_space_delimited(CONFORMANCE_SCOPES).expect("valid scopes");

    let token = provider
        .client_credentials(CONFORMANCE_SCOPES, RESOURCE)
        .await
        .expect("a token");
    let principal = validator.validate(token.secret()).await.expect("a valid token");

    assert_eq!(principal.scopes(), &asked);
    assert_eq!(principal.scopes().len(), 15);
    let answered = token.scope.as_deref().expect("the answer lists the scopes");
    assert_eq!(
        &GrantedScopes::from_space_delimited(answered).expect("valid scopes"),
        &asked
    );
}

#[tokio::test]
async fn a_token_for_another_resource_is_rejected_with_invalid_audience() {
    let Some(provider) = provider().await else { return };
    let keys = discovered_keys(provider.issuer()).await;
    let ours = validator(provider.issuer(), Arc::clone(&keys), RESOURCE);
    let theirs = validator(provider.issuer(), keys, OTHER_RESOURCE);

    let token = provider
        .client_credentials("order", OTHER_RESOURCE)
        .await
        .expect("a token");

    let error = ours.validate(token.secret()).await.expect_err("another audience");
    assert_eq!(error, AuthError::InvalidToken(InvalidToken::InvalidAudience));
    assert_eq!(error.label(), "invalid_audience");
    assert_eq!(error.status(), 401);
    let principal = theirs
        .validate(token.secret())
        .await
        .expect("valid for its own audience");
    assert_eq!(principal.aud(), [OTHER_RESOURCE]);
}

#[tokio::test]
async fn the_provider_refuses_a_resource_it_does_not_know() {
    let Some(provider) = provider().await else { return };

    let refused = provider
        .client_credentials("order", "http://127.0.0.1:9/unknown")
        .await
        .expect_err("an unknown resource");

    assert_eq!(
        refused,
        TokenError {
            status: 400,
            error: Some("invalid_target".to_owned()),
        }
    );
}

#[tokio::test]
async fn scopes_from_the_provider_are_matched_hierarchically() {
    let Some(provider) = provider().await else { return };
    let validator = validator(
        provider.issuer(),
        discovered_keys(provider.issuer()).await,
        RESOURCE,
    );
    let check = |principal: &scopeguard_core::Principal, requirement: &str| {
        principal.check(
            &Requirement::parse(requirement).expect("a valid requirement"),
            &(),
        )
    };

    let token = provider
        .client_credentials("order inventory:price", RESOURCE)
        .await
        .expect("a token");
    let principal = validator.validate(token.secret()).await.expect("a valid token");

    assert_eq!(check(&principal, "order:item"), Ok(()));
    assert_eq!(check(&principal, "order:shipping:address"), Ok(()));
    assert_eq!(check(&principal, "inventory:price"), Ok(()));
    assert_eq!(
        check(&principal, "inventory:price.write"),
        Err(AuthError::InsufficientScope {
            scope: Some("inventory:price.write".to_owned())
        })
    );
    assert_eq!(
        check(&principal, "any(inventory:sales, report:read)"),
        Err(AuthError::InsufficientScope {
            scope: Some("inventory:sales".to_owned())
        })
    );
}

#[tokio::test]
async fn opaque_scopes_from_the_provider_match_exactly() {
    let Some(provider) = provider().await else { return };
    let validator = validator(
        provider.issuer(),
        discovered_keys(provider.issuer()).await,
        RESOURCE,
    );
    let catalog = "https://www.examplecompany.com/private_catalog.readonly";

    let token = provider
        .client_credentials(
            &format!("{catalog} urn:examplecompany:product_price:update"),
            RESOURCE,
        )
        .await
        .expect("a token");
    let principal = validator.validate(token.secret()).await.expect("a valid token");

    let requirement = |text: &str| Requirement::parse(text).expect("a valid requirement");
    assert_eq!(principal.check(&requirement(catalog), &()), Ok(()));
    assert_eq!(
        principal.check(&requirement("urn:examplecompany:product_price:update"), &()),
        Ok(())
    );
    assert!(
        principal
            .check(&requirement("urn:examplecompany:product_price:update:bulk"), &())
            .is_err()
    );
}

#[tokio::test]
async fn discovery_naming_another_issuer_is_a_failed_fetch() {
    let Some(provider) = provider().await else { return };
    // The provider answers discovery for this spelling of its issuer too, but
    // its document names `http://127.0.0.1:PORT`, without the slash.
    let misspelled = format!("{}/", provider.issuer());
    let keys = discovered_keys(&misspelled).await;

    assert!(
        matches!(keys.key_set(), Err(Unavailable::KeySet { .. })),
        "no key set from a document naming another issuer"
    );
    let validator = validator(provider.issuer(), keys, RESOURCE);
    let token = provider
        .client_credentials("order", RESOURCE)
        .await
        .expect("a token");
    let error = validator.validate(token.secret()).await.expect_err("no key set");
    assert!(
        matches!(error, AuthError::Unavailable(Unavailable::KeySet { .. })),
        "{error:?}"
    );
    assert_eq!(error.status(), 503);
}

/// Starts a provider signing with `algorithm`, and checks that its token
/// validates; `false` when the test is skipped.
async fn validates_tokens_signed_with(algorithm: &'static str) -> bool {
    let Some(provider) = OidcProvider::builder()
        .resource(RESOURCE)
        .algorithm(algorithm)
        .start()
        .await
    else {
        return false;
    };
    let validator = validator(
        provider.issuer(),
        discovered_keys(provider.issuer()).await,
        RESOURCE,
    );

    let token = provider
        .client_credentials("order", RESOURCE)
        .await
        .expect("a token");
    assert_eq!(token.header()["alg"], algorithm);
    let principal = validator
        .validate(token.secret())
        .await
        .unwrap_or_else(|error| panic!("a valid {algorithm} token: {error:?}"));
    assert_eq!(
        principal.check(
            &Requirement::parse("order:item").expect("a valid requirement"),
            &()
        ),
        Ok(())
    );
    true
}

#[tokio::test]
async fn tokens_signed_with_ps256_es256_es384_and_eddsa_validate() {
    let (ps256, es256, es384, eddsa) = tokio::join!(
        validates_tokens_signed_with("PS256"),
        validates_tokens_signed_with("ES256"),
        validates_tokens_signed_with("ES384"),
        validates_tokens_signed_with("EdDSA"),
    );
    assert_eq!([ps256, es256, es384], [eddsa; 3], "all ran, or all skipped");
}

#[tokio::test]
async fn dropping_the_provider_stops_the_node_process() {
    let Some(provider) = provider().await else { return };
    let authority = provider.authority().to_owned();
    tokio::net::TcpStream::connect(&authority)
        .await
        .expect("the provider listens");

    drop(provider);

    let deadline = Instant::now() + Duration::from_secs(5);
    while tokio::net::TcpStream::connect(&authority).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "the provider still listens 5 s after the drop"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
