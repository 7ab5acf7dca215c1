//! How the JWT validator uses its key sources (SPEC §3.2, §3.3): one refresh
//! for an unknown `kid`, 503 while no key set was ever obtained.

mod support;

use std::sync::Arc;

use scopeguard_core::error::{InvalidToken, Unavailable};
use scopeguard_core::validation::jwt::{Algorithm, JwtValidator};
use scopeguard_core::validation::keys::{KeySet, KeySource, VerificationKey};
use scopeguard_core::{AuthError, Principal};
use support::{AUDIENCE, ISSUER, RETRY_AFTER, RSA_PUBLIC, ScriptedKeys, Signer, claims};

fn rsa_key(kid: &str) -> VerificationKey {
    VerificationKey::rsa_pem(RSA_PUBLIC)
        .expect("test fixture")
        .with_kid(kid)
}

fn validator_for(keys: &Arc<ScriptedKeys>) -> JwtValidator {
    JwtValidator::builder()
        .issuer_with_shared_keys(ISSUER, Arc::clone(keys) as Arc<dyn KeySource>)
        .audience(AUDIENCE)
        .without_token_cache()
        .build()
        .expect("test fixture")
}

async fn validate(validator: &JwtValidator, signer: &Signer) -> Result<Principal, AuthError> {
    validator.validate(&signer.sign(&claims())).await
}

#[tokio::test]
async fn a_known_kid_needs_no_refresh() {
    let keys = ScriptedKeys::with(KeySet::new([rsa_key("rsa")]));
    assert!(
        validate(&validator_for(&keys), &Signer::rsa(Algorithm::RS256))
            .await
            .is_ok()
    );
    assert_eq!(keys.refreshes(), 0);
}

#[tokio::test]
async fn an_unknown_kid_causes_one_refresh_and_the_new_key_verifies() {
    let keys = ScriptedKeys::with(KeySet::new([rsa_key("old")]));
    keys.on_refresh(Some(Arc::new(KeySet::new([rsa_key("old"), rsa_key("rsa")]))));
    assert!(
        validate(&validator_for(&keys), &Signer::rsa(Algorithm::RS256))
            .await
            .is_ok()
    );
    assert_eq!(keys.refreshes(), 1);
}

#[tokio::test]
async fn a_kid_still_unknown_after_the_refresh_is_rejected() {
    let keys = ScriptedKeys::with(KeySet::new([rsa_key("old")]));
    let result = validate(&validator_for(&keys), &Signer::rsa(Algorithm::RS256)).await;
    assert_eq!(
        result.unwrap_err(),
        AuthError::InvalidToken(InvalidToken::UnknownKey)
    );
    assert_eq!(keys.refreshes(), 1);
}

#[tokio::test]
async fn a_known_kid_of_another_algorithm_causes_no_refresh() {
    let restricted = rsa_key("rsa").with_algorithm(Algorithm::RS256).unwrap();
    let keys = ScriptedKeys::with(KeySet::new([restricted]));
    let result = validate(&validator_for(&keys), &Signer::rsa(Algorithm::PS256)).await;
    assert_eq!(
        result.unwrap_err(),
        AuthError::InvalidToken(InvalidToken::UnknownKey)
    );
    assert_eq!(keys.refreshes(), 0);
}

#[tokio::test]
async fn a_token_without_kid_causes_no_refresh() {
    let keys = ScriptedKeys::with(KeySet::new([rsa_key("rsa")]));
    let result = validate(&validator_for(&keys), &Signer::ed25519().with_kid(None)).await;
    assert_eq!(
        result.unwrap_err(),
        AuthError::InvalidToken(InvalidToken::UnknownKey)
    );
    assert_eq!(keys.refreshes(), 0);
}

#[tokio::test]
async fn an_empty_key_set_is_a_key_set_so_tokens_are_invalid_not_unavailable() {
    let keys = ScriptedKeys::with(KeySet::default());
    let error = validate(&validator_for(&keys), &Signer::rsa(Algorithm::RS256))
        .await
        .unwrap_err();
    assert_eq!(error, AuthError::InvalidToken(InvalidToken::UnknownKey));
    assert_eq!(error.status(), 401);
}

#[tokio::test]
async fn with_no_key_set_ever_obtained_the_token_cannot_be_checked() {
    let keys = ScriptedKeys::unavailable();
    let error = validate(&validator_for(&keys), &Signer::rsa(Algorithm::RS256))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        AuthError::Unavailable(Unavailable::KeySet {
            retry_after: RETRY_AFTER
        })
    );
    assert_eq!(error.status(), 503);
    assert_eq!(keys.refreshes(), 1, "one refresh is tried before answering 503");
}

#[tokio::test]
async fn validation_recovers_once_the_key_server_answers() {
    let keys = ScriptedKeys::unavailable();
    let validator = validator_for(&keys);
    let signer = Signer::rsa(Algorithm::RS256);
    assert_eq!(validate(&validator, &signer).await.unwrap_err().status(), 503);

    keys.on_refresh(Some(Arc::new(KeySet::new([rsa_key("rsa")]))));
    assert!(validate(&validator, &signer).await.is_ok());
    assert_eq!(keys.refreshes(), 2);
    assert!(validate(&validator, &signer).await.is_ok());
    assert_eq!(keys.refreshes(), 2, "the key set obtained is used from then on");
}

#[tokio::test]
async fn a_key_set_obtained_by_the_first_refresh_is_not_refreshed_again() {
    let keys = ScriptedKeys::unavailable();
    keys.on_refresh(Some(Arc::new(KeySet::new([rsa_key("other")]))));
    let error = validate(&validator_for(&keys), &Signer::rsa(Algorithm::RS256))
        .await
        .unwrap_err();
    assert_eq!(error, AuthError::InvalidToken(InvalidToken::UnknownKey));
    assert_eq!(keys.refreshes(), 1);
}
