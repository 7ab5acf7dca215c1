//! The verified-token cache (SPEC §3.4).

mod support;

use std::sync::Arc;
use std::time::Duration;

use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::jwt::{Algorithm, JwtValidator};
use scopeguard_core::validation::keys::{KeySet, KeySource, VerificationKey};
use scopeguard_core::{AuthError, Principal, TokenCacheConfig};
use serde_json::json;
use support::{AUDIENCE, ISSUER, RSA_PUBLIC, ScriptedKeys, Signer, builder, claims};

fn rsa_keys() -> KeySet {
    KeySet::new([VerificationKey::rsa_pem(RSA_PUBLIC)
        .expect("test fixture")
        .with_kid("rsa")])
}

fn validator_for(keys: &Arc<ScriptedKeys>, leeway: Duration) -> JwtValidator {
    JwtValidator::builder()
        .issuer_with_shared_keys(ISSUER, Arc::clone(keys) as Arc<dyn KeySource>)
        .audience(AUDIENCE)
        .leeway(leeway)
        .build()
        .expect("test fixture")
}

async fn validate(validator: &JwtValidator, token: &str) -> Principal {
    validator.validate(token).await.expect("a valid token")
}

#[tokio::test]
async fn a_token_reused_across_requests_is_verified_once() {
    let validator = builder().build().unwrap();
    let token = Signer::rsa(Algorithm::RS256).sign(&claims());
    let first = validate(&validator, &token).await;
    let second = validate(&validator, &token).await;
    assert!(
        Principal::ptr_eq(&first, &second),
        "the second request is served from the cache"
    );
    let clone = validator.clone();
    assert!(
        Principal::ptr_eq(&first, &validate(&clone, &token).await),
        "clones share the cache"
    );
}

#[tokio::test]
async fn without_the_cache_every_request_is_verified() {
    let validator = builder().without_token_cache().build().unwrap();
    let token = Signer::rsa(Algorithm::RS256).sign(&claims());
    let first = validate(&validator, &token).await;
    let second = validate(&validator, &token).await;
    assert!(!Principal::ptr_eq(&first, &second));
}

#[tokio::test]
async fn no_false_hit_is_possible() {
    let validator = builder().build().unwrap();
    let signer = Signer::rsa(Algorithm::RS256);
    let alice = signer.sign(&claims());
    let mut bob_claims = claims();
    bob_claims["sub"] = json!("bob");
    let bob = signer.sign(&bob_claims);
    assert_eq!(validate(&validator, &alice).await.sub(), Some("alice"));
    assert_eq!(validate(&validator, &bob).await.sub(), Some("bob"));

    // The cached token with another signature, or with one byte more, is
    // another token: it is verified, and fails.
    let middle = alice.len() - 10;
    let flipped = if alice.as_bytes()[middle] == b'A' {
        "B"
    } else {
        "A"
    };
    let tampered = format!("{}{flipped}{}", &alice[..middle], &alice[middle + 1..]);
    assert_eq!(
        validator.validate(&tampered).await.unwrap_err(),
        AuthError::InvalidToken(InvalidToken::InvalidSignature)
    );
    assert_eq!(
        validator.validate(&format!("{alice}A")).await.unwrap_err(),
        AuthError::InvalidToken(InvalidToken::InvalidSignature)
    );
}

#[tokio::test]
async fn cached_knows_only_the_exact_bytes_of_verified_tokens() {
    let keys = ScriptedKeys::with(rsa_keys());
    let validator = validator_for(&keys, Duration::from_secs(60));
    let token = Signer::rsa(Algorithm::RS256).sign(&claims());
    assert!(validator.cached(token.as_bytes()).is_none(), "not verified yet");
    let verified = validate(&validator, &token).await;
    let cached = validator.cached(token.as_bytes()).expect("verified before");
    assert!(Principal::ptr_eq(&verified, &cached));

    // Same length and the same end (what the entries are hashed by), one
    // byte changed near the start: another token.
    let mut bytes = token.clone().into_bytes();
    bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
    assert!(validator.cached(&bytes).is_none());
    assert!(validator.cached(&token.as_bytes()[1..]).is_none());
    assert!(validator.cached(format!("{token} ").as_bytes()).is_none());
    assert!(validator.cached(b"").is_none());

    // Its key leaves the key set: no longer known.
    keys.set(Some(Arc::new(KeySet::default())));
    assert!(validator.cached(token.as_bytes()).is_none());
}

#[tokio::test]
async fn a_remembered_header_does_not_spare_the_signature_check() {
    let validator = builder().build().unwrap();
    let signer = Signer::rsa(Algorithm::RS256);
    let good = signer.sign(&claims());
    validate(&validator, &good).await;
    let mut other = claims();
    other["sub"] = json!("mallory");
    let another = signer.sign(&other);
    let (header, rest) = another.split_once('.').unwrap();
    let (payload, _) = rest.split_once('.').unwrap();
    let good_signature = good.rsplit_once('.').unwrap().1;
    assert_eq!(header, good.split_once('.').unwrap().0, "one header for both");
    let spliced = format!("{header}.{payload}.{good_signature}");
    assert_eq!(
        validator.validate(&spliced).await.unwrap_err(),
        AuthError::InvalidToken(InvalidToken::InvalidSignature)
    );
    assert_eq!(validate(&validator, &another).await.sub(), Some("mallory"));
}

#[tokio::test]
async fn an_entry_is_dropped_when_its_key_leaves_the_key_set() {
    let keys = ScriptedKeys::with(rsa_keys());
    let validator = validator_for(&keys, Duration::from_secs(60));
    let token = Signer::rsa(Algorithm::RS256).sign(&claims());
    let first = validate(&validator, &token).await;
    assert!(Principal::ptr_eq(&first, &validate(&validator, &token).await));

    // The same key material, but another key: the entry is not served, the
    // token is verified again with the new key.
    keys.set(Some(Arc::new(rsa_keys())));
    let reverified = validate(&validator, &token).await;
    assert!(!Principal::ptr_eq(&first, &reverified));
    assert!(Principal::ptr_eq(
        &reverified,
        &validate(&validator, &token).await
    ));

    // The key is gone: the cached entry must not be served.
    keys.set(Some(Arc::new(KeySet::default())));
    assert_eq!(
        validator.validate(&token).await.unwrap_err(),
        AuthError::InvalidToken(InvalidToken::UnknownKey)
    );
}

#[tokio::test]
async fn an_entry_survives_a_refresh_that_keeps_its_key() {
    let rsa_jwk = serde_json::to_value(Signer::rsa(Algorithm::RS256).public_jwk()).unwrap();
    let ed_jwk = serde_json::to_value(Signer::ed25519().public_jwk()).unwrap();
    let before = KeySet::from_jwks_json(json!({"keys": [rsa_jwk]}).to_string().as_bytes()).unwrap();
    let keys = ScriptedKeys::with(before);
    let validator = validator_for(&keys, Duration::from_secs(60));
    let token = Signer::rsa(Algorithm::RS256).sign(&claims());
    let first = validate(&validator, &token).await;

    let current = keys.key_set().unwrap();
    let document = json!({"keys": [ed_jwk, rsa_jwk]}).to_string();
    let after = KeySet::from_jwks_json_reusing(document.as_bytes(), Some(&current)).unwrap();
    keys.set(Some(Arc::new(after)));
    assert!(Principal::ptr_eq(&first, &validate(&validator, &token).await));
}

#[tokio::test]
async fn an_entry_is_never_served_at_or_after_exp() {
    let keys = ScriptedKeys::with(rsa_keys());
    let lenient = validator_for(&keys, Duration::from_secs(60));
    let strict = validator_for(&keys, Duration::ZERO);
    let exp = support::now() + 2;
    let mut short_lived = claims();
    short_lived["exp"] = json!(exp);
    let token = Signer::rsa(Algorithm::RS256).sign(&short_lived);
    let lenient_first = validate(&lenient, &token).await;
    validate(&strict, &token).await;

    while support::now() < exp {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Without leeway, a fresh validation rejects the token: so must the cache.
    assert_eq!(
        strict.validate(&token).await.unwrap_err(),
        AuthError::InvalidToken(InvalidToken::Expired)
    );
    // Within the leeway a fresh validation accepts it, but the entry is not
    // served past `exp`, and the token is not cached again.
    let after_exp = validate(&lenient, &token).await;
    assert!(!Principal::ptr_eq(&lenient_first, &after_exp));
    assert!(!Principal::ptr_eq(&after_exp, &validate(&lenient, &token).await));
}

#[tokio::test]
async fn a_token_past_its_exp_within_the_leeway_is_not_cached() {
    let validator = builder().build().unwrap();
    let mut claims = claims();
    claims["exp"] = json!(support::now() - 5);
    let token = Signer::rsa(Algorithm::RS256).sign(&claims);
    let first = validate(&validator, &token).await;
    assert!(!Principal::ptr_eq(&first, &validate(&validator, &token).await));
}

#[tokio::test]
async fn the_cache_is_bounded_by_the_bytes_it_holds() {
    const MAX_BYTES: u64 = 16 * 1024;
    let validator = builder()
        .token_cache(TokenCacheConfig::default().max_bytes(MAX_BYTES))
        .build()
        .unwrap();
    let signer = Signer::ed25519();
    let tokens: Vec<String> = (0..200)
        .map(|n| {
            let mut claims = claims();
            claims["sub"] = json!(format!("user-{n}"));
            signer.sign(&claims)
        })
        .collect();
    let mut principals = Vec::new();
    for token in &tokens {
        principals.push(validate(&validator, token).await);
    }
    let mut cached = 0;
    for (token, principal) in tokens.iter().zip(&principals).rev() {
        if Principal::ptr_eq(principal, &validate(&validator, token).await) {
            cached += 1;
        }
    }
    // An entry weighs at least its token.
    let most = MAX_BYTES / u64::try_from(tokens[0].len()).unwrap();
    assert!(cached > 0, "the cache holds entries");
    assert!(cached <= most, "{cached} entries of {most} at most");
}
