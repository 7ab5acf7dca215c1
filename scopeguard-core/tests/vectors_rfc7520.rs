//! The JWS examples of RFC 7520 §4 ("JOSE Cookbook"), taken verbatim from
//! the cookbook's repository (`tests/vectors/rfc7520`, see
//! `tests/vectors/README.md`), against the signature layer of SPEC §3.2:
//! [`KeySet::verify_jws`] with the published keys of RFC 7520 §3.
//!
//! Their payload is a sentence, not claims, so they are checked below the
//! access-token claim checks; the last test shows that the validator itself
//! refuses them for that reason.

#![cfg(feature = "jwt")]

use scopeguard_core::AuthError;
use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::jwt::{Algorithm, DEFAULT_ALGORITHMS, JwtValidator};
use scopeguard_core::validation::keys::{KeyError, KeySet, StaticKeys, VerificationKey};
use serde_json::{Value, json};

/// RFC 7520 §3.1: the P-521 public key of "bilbo.baggins@hobbiton.example".
const EC_P521_PUBLIC_KEY: &str = include_str!("vectors/rfc7520/3_1.ec_public_key.json");
/// RFC 7520 §3.3: the RSA public key of "bilbo.baggins@hobbiton.example"
/// (the public half of the §3.4 private key the examples are signed with).
const RSA_PUBLIC_KEY: &str = include_str!("vectors/rfc7520/3_3.rsa_public_key.json");
/// RFC 7520 §3.5: the symmetric key for MAC computation.
const SYMMETRIC_KEY: &str = include_str!("vectors/rfc7520/3_5.symmetric_key_mac_computation.json");

const RSA_V15_SIGNATURE: &str = include_str!("vectors/rfc7520/4_1.rsa_v15_signature.json");
const RSA_PSS_SIGNATURE: &str = include_str!("vectors/rfc7520/4_2.rsa-pss_signature.json");
const ECDSA_SIGNATURE: &str = include_str!("vectors/rfc7520/4_3.ecdsa_signature.json");
const HMAC_SIGNATURE: &str = include_str!("vectors/rfc7520/4_4.hmac-sha2_integrity_protection.json");

const KID: &str = "bilbo.baggins@hobbiton.example";

/// Every algorithm scopeguard verifies (SPEC §3.2): the defaults and HMAC.
fn every_algorithm() -> Vec<Algorithm> {
    DEFAULT_ALGORITHMS
        .into_iter()
        .chain([Algorithm::HS256, Algorithm::HS384, Algorithm::HS512])
        .collect()
}

/// One RFC 7520 §4 example as the cookbook writes it.
struct Example(Value);

impl Example {
    fn parse(json: &str) -> Self {
        Self(serde_json::from_str(json).expect("a cookbook example"))
    }

    /// The compact serialization (the figure the RFC prints).
    fn compact(&self) -> &str {
        self.0["output"]["compact"].as_str().expect("a compact JWS")
    }

    /// The payload the example signs.
    fn payload(&self) -> &str {
        self.0["input"]["payload"].as_str().expect("a payload")
    }

    /// The `alg` of the protected header.
    fn alg(&self) -> &str {
        self.0["signing"]["protected"]["alg"].as_str().expect("an alg")
    }
}

/// A published key set holding the one JWK of `jwk`.
fn published(jwk: &str) -> KeySet {
    let jwk: Value = serde_json::from_str(jwk).expect("a JWK");
    KeySet::from_jwks_json(json!({ "keys": [jwk] }).to_string().as_bytes()).expect("a key set document")
}

/// A configured shared secret, given as the JWK of `jwk`.
fn configured_secret(jwk: &str) -> KeySet {
    let jwk = serde_json::from_str(jwk).expect("a JWK");
    KeySet::new([VerificationKey::from_jwk(&jwk).expect("a usable symmetric key")])
}

fn without(algorithm: Algorithm) -> Vec<Algorithm> {
    every_algorithm()
        .into_iter()
        .filter(|alg| *alg != algorithm)
        .collect()
}

#[test]
fn the_cookbook_examples_are_signed_with_the_published_rsa_key() {
    let public: Value = serde_json::from_str(RSA_PUBLIC_KEY).unwrap();
    for example in [RSA_V15_SIGNATURE, RSA_PSS_SIGNATURE] {
        let signing_key = &Example::parse(example).0["input"]["key"];
        assert_eq!(
            (&signing_key["n"], &signing_key["e"], &signing_key["kid"]),
            (&public["n"], &public["e"], &public["kid"])
        );
    }
}

#[test]
fn rsa_v15_signature_4_1_verifies_with_the_published_rsa_key() {
    let example = Example::parse(RSA_V15_SIGNATURE);
    assert_eq!(example.alg(), "RS256");
    let keys = published(RSA_PUBLIC_KEY);
    assert_eq!((keys.len(), keys.skipped()), (1, &[][..]));

    let verified = keys
        .verify_jws(example.compact(), &DEFAULT_ALGORITHMS)
        .expect("RFC 7520 Figure 13 verifies");
    assert_eq!(verified.algorithm(), Algorithm::RS256);
    assert_eq!(verified.key().kid(), Some(KID));
    assert_eq!(verified.payload(), example.payload().as_bytes());
}

#[test]
fn rsa_pss_signature_4_2_verifies_with_the_published_rsa_key() {
    let example = Example::parse(RSA_PSS_SIGNATURE);
    assert_eq!(example.alg(), "PS384");
    let verified = published(RSA_PUBLIC_KEY)
        .verify_jws(example.compact(), &DEFAULT_ALGORITHMS)
        .expect("RFC 7520 Figure 20 verifies");
    assert_eq!(verified.algorithm(), Algorithm::PS384);
    assert_eq!(verified.payload(), example.payload().as_bytes());
}

#[test]
fn the_rsa_examples_are_refused_when_their_algorithm_is_not_allowed() {
    let keys = published(RSA_PUBLIC_KEY);
    for (example, alg) in [
        (RSA_V15_SIGNATURE, Algorithm::RS256),
        (RSA_PSS_SIGNATURE, Algorithm::PS384),
    ] {
        assert_eq!(
            keys.verify_jws(Example::parse(example).compact(), &without(alg))
                .unwrap_err(),
            InvalidToken::AlgorithmNotAllowed,
            "{alg:?}"
        );
    }
}

#[test]
fn an_rsa_example_with_another_signature_or_payload_is_refused() {
    let keys = published(RSA_PUBLIC_KEY);
    let v15 = Example::parse(RSA_V15_SIGNATURE);
    let pss = Example::parse(RSA_PSS_SIGNATURE);
    let (v15_input, _) = v15.compact().rsplit_once('.').unwrap();
    let (_, pss_signature) = pss.compact().rsplit_once('.').unwrap();
    let swapped = format!("{v15_input}.{pss_signature}");
    assert_eq!(
        keys.verify_jws(&swapped, &DEFAULT_ALGORITHMS).unwrap_err(),
        InvalidToken::InvalidSignature
    );

    // "SXTigJlz…" starts the payload; "SXTigJlY…" is another valid base64url text.
    let changed = v15.compact().replacen(".SXTigJlz", ".SXTigJlY", 1);
    assert_ne!(changed, v15.compact());
    assert_eq!(
        keys.verify_jws(&changed, &DEFAULT_ALGORITHMS).unwrap_err(),
        InvalidToken::InvalidSignature
    );
}

#[test]
fn ecdsa_signature_4_3_is_es512_and_outside_the_allowlist() {
    let example = Example::parse(ECDSA_SIGNATURE);
    assert_eq!(example.alg(), "ES512");
    // P-521 keys are not verification keys here (SPEC §3.2: ES256/ES384).
    let keys = published(EC_P521_PUBLIC_KEY);
    assert_eq!((keys.len(), keys.skipped()), (0, &[KeyError::Unsupported][..]));
    // Even next to a usable key and with every algorithm allowed, the
    // header's `alg` refuses the JWS before any key is chosen.
    let keys = published(RSA_PUBLIC_KEY);
    assert_eq!(
        keys.verify_jws(example.compact(), &every_algorithm())
            .unwrap_err(),
        InvalidToken::AlgorithmNotAllowed
    );
}

#[test]
fn hmac_4_4_verifies_only_when_hmac_is_allowed() {
    let example = Example::parse(HMAC_SIGNATURE);
    assert_eq!(example.alg(), "HS256");
    let keys = configured_secret(SYMMETRIC_KEY);

    let verified = keys
        .verify_jws(example.compact(), &every_algorithm())
        .expect("RFC 7520 Figure 35 verifies with HS256 allowed");
    assert_eq!(verified.algorithm(), Algorithm::HS256);
    assert_eq!(verified.payload(), example.payload().as_bytes());
    assert!(keys.verify_jws(example.compact(), &[Algorithm::HS256]).is_ok());

    for allowlist in [
        DEFAULT_ALGORITHMS.to_vec(),
        vec![Algorithm::HS384, Algorithm::HS512],
    ] {
        assert_eq!(
            keys.verify_jws(example.compact(), &allowlist).unwrap_err(),
            InvalidToken::AlgorithmNotAllowed,
            "{allowlist:?}"
        );
    }
}

#[test]
fn the_symmetric_key_is_never_taken_from_a_published_key_set() {
    let keys = published(SYMMETRIC_KEY);
    assert_eq!(
        (keys.len(), keys.skipped()),
        (0, &[KeyError::SymmetricInKeySet][..])
    );
    assert_eq!(
        keys.verify_jws(Example::parse(HMAC_SIGNATURE).compact(), &every_algorithm())
            .unwrap_err(),
        InvalidToken::UnknownKey
    );
}

#[tokio::test]
async fn the_examples_are_not_access_tokens() {
    let validator = JwtValidator::builder()
        .issuer(
            "https://hobbiton.example",
            StaticKeys::new(published(RSA_PUBLIC_KEY)),
        )
        .disable_audience_check()
        .build()
        .unwrap();
    // The signature would verify; the payload is a sentence, not claims.
    assert_eq!(
        validator
            .validate(Example::parse(RSA_V15_SIGNATURE).compact())
            .await
            .unwrap_err(),
        AuthError::InvalidToken(InvalidToken::Malformed)
    );
}
