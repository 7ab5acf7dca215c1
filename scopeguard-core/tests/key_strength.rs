//! RSA keys shorter than 2048 bits are refused (RFC 7518 §3.3), whatever
//! they come as: PEM (SPKI or PKCS#1), PKCS#1 DER, a JWK, or a JWKS
//! document (where the key is skipped, the reason kept). Keys of 2048 bits
//! are accepted from each source.

mod support;

use scopeguard_core::validation::jwt::Algorithm;
use scopeguard_core::validation::keys::{KeyError, KeyKind, KeySet, VerificationKey};
use support::{RSA_PRIVATE, RSA_PUBLIC};

/// Weak test keys: one 1024-bit RSA key in each form.
const WEAK_SPKI_PEM: &[u8] = include_bytes!("keys/rsa_1024_weak_public.pem");
const WEAK_PKCS1_PEM: &[u8] = include_bytes!("keys/rsa_1024_weak_public_pkcs1.pem");
const WEAK_PKCS1_DER: &[u8] = include_bytes!("keys/rsa_1024_weak_public_pkcs1.der");
const WEAK_JWK: &str = include_str!("keys/rsa_1024_weak_public.jwk.json");

/// The 2048-bit test key, as PKCS#1 DER.
const RSA_PKCS1_DER: &[u8] = include_bytes!("keys/rsa_public_pkcs1.der");

const TOO_SMALL: KeyError = KeyError::RsaModulusTooSmall { bits: 1024 };

fn weak_jwk() -> serde_json::Value {
    serde_json::from_str(WEAK_JWK).expect("a JSON JWK")
}

#[test]
fn a_1024_bit_rsa_pem_key_is_refused() {
    assert_eq!(VerificationKey::rsa_pem(WEAK_SPKI_PEM).unwrap_err(), TOO_SMALL);
    assert_eq!(VerificationKey::rsa_pem(WEAK_PKCS1_PEM).unwrap_err(), TOO_SMALL);
}

#[test]
fn a_1024_bit_rsa_der_key_is_refused() {
    assert_eq!(VerificationKey::rsa_der(WEAK_PKCS1_DER).unwrap_err(), TOO_SMALL);
}

#[test]
fn a_1024_bit_rsa_jwk_is_refused() {
    let jwk = serde_json::from_value(weak_jwk()).expect("a JWK");
    assert_eq!(VerificationKey::from_jwk(&jwk).unwrap_err(), TOO_SMALL);
}

#[test]
fn a_1024_bit_rsa_key_in_a_jwks_is_skipped_with_its_reason() {
    let document = serde_json::json!({"keys": [weak_jwk(), support::Signer::ed25519().public_jwk()]});
    let keys = KeySet::from_jwks_json(document.to_string().as_bytes()).expect("a key set");
    assert_eq!(keys.len(), 1);
    assert_eq!(keys.skipped(), [TOO_SMALL]);
}

#[test]
fn the_refusal_says_why() {
    assert_eq!(
        TOO_SMALL.to_string(),
        "the RSA modulus has 1024 bits; at least 2048 are required"
    );
}

#[test]
fn rsa_keys_of_2048_bits_are_accepted_from_each_source() {
    let pem = VerificationKey::rsa_pem(RSA_PUBLIC).expect("a 2048-bit PEM key");
    let der = VerificationKey::rsa_der(RSA_PKCS1_DER).expect("a 2048-bit DER key");
    let jwk = VerificationKey::from_jwk(&support::Signer::rsa(Algorithm::RS256).public_jwk())
        .expect("a 2048-bit JWK");
    for key in [pem, der, jwk] {
        assert_eq!(key.kind(), KeyKind::Rsa);
    }
}

#[test]
fn an_rsa_private_key_is_not_a_verification_key() {
    assert_eq!(
        VerificationKey::rsa_pem(RSA_PRIVATE).unwrap_err(),
        KeyError::InvalidMaterial
    );
}
