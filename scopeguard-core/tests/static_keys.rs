//! Static verification keys (SPEC §3.2): PEM, DER and JWK keys, the
//! algorithms each kind verifies, how a token's key is chosen without
//! `kid` (by `kty`/`crv`, and by the JWK's `alg`), and the keys that verify
//! nothing (`key_ops` without `verify`, secrets too short for their hash).

mod support;

use jsonwebtoken::EncodingKey;
use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::jwt::{Algorithm, DEFAULT_ALGORITHMS, JwtValidator};
use scopeguard_core::validation::keys::{KeyError, KeyKind, KeySet, StaticKeys, VerificationKey};
use scopeguard_core::{AuthError, Principal};
use serde_json::json;
use support::{
    AUDIENCE, ISSUER, P256_PUBLIC, P384_PUBLIC, RSA_PUBLIC, Signer, b64, claims, rejection, validator,
};

const RSA_PKCS1_DER: &[u8] = include_bytes!("keys/rsa_public_pkcs1.der");
const P256_POINT: &[u8] = include_bytes!("keys/ec_p256_public_point.bin");
const P384_POINT: &[u8] = include_bytes!("keys/ec_p384_public_point.bin");
const ED25519_RAW: &[u8] = include_bytes!("keys/ed25519_public_raw.bin");
const P256_CERTIFICATE: &[u8] = include_bytes!("keys/ec_p256_cert.pem");
const P521_PUBLIC: &[u8] = include_bytes!("keys/ec_p521_public.pem");

/// A validator for [`ISSUER`] with `keys`, allowing HS256 next to the
/// default algorithms, so that only the key's kind refuses an HMAC token.
fn validator_with(keys: impl IntoIterator<Item = VerificationKey>) -> JwtValidator {
    JwtValidator::builder()
        .issuer(ISSUER, StaticKeys::new(KeySet::new(keys)))
        .audience(AUDIENCE)
        .algorithms(DEFAULT_ALGORITHMS.into_iter().chain([Algorithm::HS256]))
        .build()
        .expect("a valid configuration")
}

async fn verifies(validator: &JwtValidator, signer: &Signer) -> Principal {
    validator
        .validate(&signer.sign(&claims()))
        .await
        .expect("the key verifies its own family's token")
}

/// An HS256 token naming `kid`, signed with `material` as the secret: what
/// an attacker forges from a published public key.
fn hmac_forgery(kid: &'static str, material: &[u8]) -> String {
    Signer::new(Algorithm::HS256, Some(kid), EncodingKey::from_secret(material)).sign(&claims())
}

// PEM EC keys know their curve.

#[test]
fn an_ec_pem_key_knows_its_curve() {
    let p256 = VerificationKey::ec_pem(P256_PUBLIC).unwrap();
    let p384 = VerificationKey::ec_pem(P384_PUBLIC).unwrap();
    assert_eq!(p256.kind(), KeyKind::EcP256);
    assert_eq!(p384.kind(), KeyKind::EcP384);
    assert!(p256.supports(Algorithm::ES256) && !p256.supports(Algorithm::ES384));
    assert!(p384.supports(Algorithm::ES384) && !p384.supports(Algorithm::ES256));
    assert_eq!(
        p256.with_algorithm(Algorithm::ES384).unwrap_err(),
        KeyError::AlgorithmMismatch
    );
    let certificate = VerificationKey::ec_pem(P256_CERTIFICATE).unwrap();
    assert_eq!(certificate.kind(), KeyKind::EcP256);
}

#[test]
fn an_ec_pem_key_on_another_curve_is_unsupported() {
    assert_eq!(
        VerificationKey::ec_pem(P521_PUBLIC).unwrap_err(),
        KeyError::Unsupported
    );
    assert_eq!(
        VerificationKey::ec_pem(RSA_PUBLIC).unwrap_err(),
        KeyError::InvalidMaterial
    );
}

#[tokio::test]
async fn without_kid_each_ec_pem_key_verifies_the_tokens_of_its_curve() {
    let validator = validator_with([
        VerificationKey::ec_pem(P256_PUBLIC).unwrap(),
        VerificationKey::ec_pem(P384_PUBLIC).unwrap(),
    ]);
    verifies(&validator, &Signer::p256().with_kid(None)).await;
    verifies(&validator, &Signer::p384().with_kid(None)).await;
}

#[tokio::test]
async fn an_ec_certificate_verifies_like_its_public_key() {
    let validator = validator_with([
        VerificationKey::ec_pem(P256_CERTIFICATE).unwrap(),
        VerificationKey::ec_pem(P384_PUBLIC).unwrap(),
    ]);
    verifies(&validator, &Signer::p256().with_kid(None)).await;
    verifies(&validator, &Signer::p384().with_kid(None)).await;
}

// DER keys.

#[tokio::test]
async fn an_rsa_der_key_verifies_rsa_tokens_only() {
    let validator = validator_with([VerificationKey::rsa_der(RSA_PKCS1_DER).unwrap().with_kid("rsa")]);
    verifies(&validator, &Signer::rsa(Algorithm::RS256)).await;
    verifies(&validator, &Signer::rsa(Algorithm::PS384)).await;
    assert_eq!(
        rejection(&validator, &hmac_forgery("rsa", RSA_PKCS1_DER)).await,
        InvalidToken::UnknownKey
    );
}

#[tokio::test]
async fn an_ec_der_point_verifies_the_tokens_of_its_curve_only() {
    let p256 = VerificationKey::ec_der(P256_POINT).unwrap().with_kid("p256");
    let p384 = VerificationKey::ec_der(P384_POINT).unwrap().with_kid("p384");
    assert_eq!((p256.kind(), p384.kind()), (KeyKind::EcP256, KeyKind::EcP384));
    let validator = validator_with([p256, p384]);
    verifies(&validator, &Signer::p256()).await;
    verifies(&validator, &Signer::p384()).await;
    verifies(&validator, &Signer::p256().with_kid(None)).await;
    verifies(&validator, &Signer::p384().with_kid(None)).await;
    for (kid, point) in [("p256", P256_POINT), ("p384", P384_POINT)] {
        assert_eq!(
            rejection(&validator, &hmac_forgery(kid, point)).await,
            InvalidToken::UnknownKey,
            "{kid}"
        );
    }
    // A P-384 token naming the P-256 key: the curve does not fit.
    let wrong_curve = Signer::p384().with_kid(Some("p256")).sign(&claims());
    assert_eq!(
        rejection(&validator, &wrong_curve).await,
        InvalidToken::UnknownKey
    );
}

#[test]
fn an_ec_der_input_that_is_not_a_point_is_invalid() {
    let spki_der = [&[0x30, 0x59][..], P256_POINT].concat();
    for input in [&[][..], &P256_POINT[..64], &spki_der, &P384_POINT[1..]] {
        assert_eq!(
            VerificationKey::ec_der(input).unwrap_err(),
            KeyError::InvalidMaterial,
            "{} bytes",
            input.len()
        );
    }
}

#[tokio::test]
async fn an_ed25519_der_key_verifies_eddsa_tokens_only() {
    let validator = validator_with([VerificationKey::ed_der(ED25519_RAW).with_kid("ed")]);
    verifies(&validator, &Signer::ed25519()).await;
    assert_eq!(
        rejection(&validator, &hmac_forgery("ed", ED25519_RAW)).await,
        InvalidToken::UnknownKey
    );
}

// Key selection.

#[tokio::test]
async fn a_jwk_naming_rs256_never_verifies_a_ps256_token() {
    let rs256 = Signer::rsa(Algorithm::RS256);
    let restricted = VerificationKey::from_jwk(&rs256.public_jwk()).unwrap();
    assert_eq!(restricted.algorithm(), Some(Algorithm::RS256));
    let validator = JwtValidator::builder()
        .issuer(ISSUER, StaticKeys::new(KeySet::new([restricted])))
        .audience(AUDIENCE)
        .build()
        .unwrap();
    assert!(validator.validate(&rs256.sign(&claims())).await.is_ok());
    let ps256 = Signer::rsa(Algorithm::PS256);
    assert_eq!(
        rejection(&validator, &ps256.sign(&claims())).await,
        InvalidToken::UnknownKey
    );
    let ps256_without_kid = Signer::rsa(Algorithm::PS256).with_kid(None);
    assert_eq!(
        rejection(&validator, &ps256_without_kid.sign(&claims())).await,
        InvalidToken::UnknownKey
    );
}

#[tokio::test]
async fn without_kid_the_one_usable_key_is_used_and_several_are_ambiguous() {
    let signer = Signer::ed25519().with_kid(None);
    assert!(validator().validate(&signer.sign(&claims())).await.is_ok());
    let two_rsa_keys = JwtValidator::builder()
        .issuer(
            ISSUER,
            StaticKeys::new(KeySet::new([
                VerificationKey::rsa_pem(RSA_PUBLIC).unwrap().with_kid("a"),
                VerificationKey::rsa_pem(RSA_PUBLIC).unwrap().with_kid("b"),
            ])),
        )
        .audience(AUDIENCE)
        .build()
        .unwrap();
    let token = Signer::rsa(Algorithm::RS256).with_kid(None).sign(&claims());
    assert_eq!(rejection(&two_rsa_keys, &token).await, InvalidToken::AmbiguousKey);
}

// What a key may be used for (RFC 7517 §4.2, §4.3; RFC 7518 §3.2).

#[tokio::test]
async fn a_jwk_whose_key_ops_exclude_verify_verifies_no_token() {
    let signer = Signer::rsa(Algorithm::RS256);
    let jwk_with = |operations: serde_json::Value| {
        let mut jwk = serde_json::to_value(signer.public_jwk()).unwrap();
        jwk["key_ops"] = operations;
        jwk
    };
    for operations in [json!(["encrypt"]), json!(["sign"]), json!([])] {
        let jwk = serde_json::from_value(jwk_with(operations.clone())).unwrap();
        assert_eq!(
            VerificationKey::from_jwk(&jwk).unwrap_err(),
            KeyError::NotForSignatures,
            "{operations}"
        );
    }
    let published = KeySet::from_jwks_json(
        json!({ "keys": [jwk_with(json!(["encrypt"]))] })
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(published.skipped(), [KeyError::NotForSignatures]);
    assert_eq!(
        rejection(
            &validator_with(published.iter().map(|key| (**key).clone())),
            &signer.sign(&claims())
        )
        .await,
        InvalidToken::UnknownKey
    );

    let verifying = serde_json::from_value(jwk_with(json!(["sign", "verify"]))).unwrap();
    verifies(
        &validator_with([VerificationKey::from_jwk(&verifying).unwrap()]),
        &signer,
    )
    .await;
}

#[tokio::test]
async fn a_shared_secret_verifies_only_the_hmac_algorithms_its_length_allows() {
    let validator = |secret: &[u8]| {
        JwtValidator::builder()
            .issuer(
                ISSUER,
                StaticKeys::new(KeySet::new([VerificationKey::hmac_secret(secret)])),
            )
            .audience(AUDIENCE)
            .algorithms([Algorithm::HS256, Algorithm::HS384, Algorithm::HS512])
            .build()
            .unwrap()
    };
    let token = |secret: &[u8], alg: Algorithm| {
        Signer::new(alg, None, EncodingKey::from_secret(secret)).sign(&claims())
    };
    let secret = [9_u8; 64];
    let verified_by_length: [(usize, &[Algorithm]); 5] = [
        (31, &[]),
        (32, &[Algorithm::HS256]),
        (47, &[Algorithm::HS256]),
        (48, &[Algorithm::HS256, Algorithm::HS384]),
        (64, &[Algorithm::HS256, Algorithm::HS384, Algorithm::HS512]),
    ];
    for (length, verified) in verified_by_length {
        let secret = &secret[..length];
        for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
            let answer = validator(secret).validate(&token(secret, alg)).await;
            if verified.contains(&alg) {
                assert!(answer.is_ok(), "{length} bytes, {alg:?}: {answer:?}");
            } else {
                assert_eq!(
                    answer.unwrap_err(),
                    AuthError::InvalidToken(InvalidToken::UnknownKey),
                    "{length} bytes, {alg:?}"
                );
            }
        }
    }
}

#[test]
fn a_symmetric_jwk_shorter_than_its_algorithm_needs_is_invalid() {
    let oct = |length: usize, alg: Option<&str>| {
        let mut jwk = json!({"kty": "oct", "k": b64(vec![3_u8; length])});
        if let Some(alg) = alg {
            jwk["alg"] = json!(alg);
        }
        VerificationKey::from_jwk(&serde_json::from_value(jwk).unwrap())
    };
    assert_eq!(oct(31, None).unwrap_err(), KeyError::InvalidMaterial);
    assert!(oct(32, None).is_ok());
    assert!(oct(32, Some("HS256")).is_ok());
    assert_eq!(oct(47, Some("HS384")).unwrap_err(), KeyError::InvalidMaterial);
    assert!(oct(48, Some("HS384")).is_ok());
    assert_eq!(oct(63, Some("HS512")).unwrap_err(), KeyError::InvalidMaterial);
    assert!(oct(64, Some("HS512")).is_ok());
    assert_eq!(
        VerificationKey::hmac_secret(&[3; 48])
            .with_algorithm(Algorithm::HS512)
            .unwrap_err(),
        KeyError::InvalidMaterial
    );
}
