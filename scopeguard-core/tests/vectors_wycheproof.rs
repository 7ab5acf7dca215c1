//! Project Wycheproof's JWS and JWK vectors (`tests/vectors/wycheproof`, see
//! `tests/vectors/README.md`) against key parsing, key selection and the
//! signature step of SPEC §3.2, through [`KeySet::verify_jws`] with every
//! algorithm scopeguard verifies allowed.
//!
//! How a vector's keys reach scopeguard:
//! - asymmetric keys as an issuer publishes them, a JWK set read by
//!   [`KeySet::from_jwks_json`], which skips the keys it cannot use
//!   (SPEC §3.3);
//! - symmetric keys as a shared secret is configured,
//!   [`VerificationKey::from_jwk`] key by key: a refused key is a
//!   configuration error, so nothing is verified with that configuration.
//!   A published key set never yields a symmetric key, which the JWK-set
//!   vectors check as well.
//!
//! Every `valid` vector must verify and every `invalid` one be refused,
//! except the [`DEVIATIONS`] listed with their reason. The tests count what
//! ran, so vectors skipped by a parser change fail them, and name every
//! vector answered wrongly by its `tcId`.

#![cfg(feature = "jwt")]

mod wycheproof_harness;

use std::collections::BTreeSet;

use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::keys::KeyError::{
    AlgorithmMismatch, InvalidMaterial, NotForSignatures, Unsupported,
};
use scopeguard_core::validation::keys::{KeyError, KeySet, VerificationKey};
use wycheproof_harness::{
    Expected, Keys, Tally, configured, every_algorithm, expected_by_label, is_symmetric, outcome, published,
    refusals, single_key, vectors,
};

const SIGNATURE_VECTORS: &str = include_str!("vectors/wycheproof/json_web_signature_test.json");
const KEY_VECTORS: &str = include_str!("vectors/wycheproof/json_web_key_test.json");

/// A signature vector whose label scopeguard departs from, and why.
struct Deviation {
    tc_id: u32,
    expected: Expected,
    reason: &'static str,
}

const PS384_UNDER_A_PS256_KEY: &str = "the JWK names alg PS256 and the JWS is PS384: \
     a JWK's alg restricts its key (SPEC §3.2, RFC 7517 §4.4)";
const ES512: &str = "ES512 on P-521 is outside the algorithms scopeguard verifies (SPEC §3.2)";
const LOST_PADDING: &str = "upstream erratum: byte for byte the valid tcId 357, \
     the padding this vector is about was lost when it was written";
const MALFORMED_BASE64: &str = "upstream erratum: labelled valid, yet `?` is not base64url \
     (RFC 7515 §2) and the MAC covers the text without it; Wycheproof commit de8f0c1 \
     lists this case as a library accepting malformed input";

/// The signature vectors whose label scopeguard departs from.
const DEVIATIONS: &[Deviation] = &[
    Deviation {
        tc_id: 346,
        expected: Expected::RefusedAs(InvalidToken::UnknownKey),
        reason: PS384_UNDER_A_PS256_KEY,
    },
    Deviation {
        tc_id: 350,
        expected: Expected::RefusedAs(InvalidToken::UnknownKey),
        reason: PS384_UNDER_A_PS256_KEY,
    },
    Deviation {
        tc_id: 347,
        expected: Expected::RefusedAs(InvalidToken::AlgorithmNotAllowed),
        reason: ES512,
    },
    Deviation {
        tc_id: 351,
        expected: Expected::RefusedAs(InvalidToken::AlgorithmNotAllowed),
        reason: ES512,
    },
    Deviation {
        tc_id: 367,
        expected: Expected::Accepted,
        reason: LOST_PADDING,
    },
    Deviation {
        tc_id: 370,
        expected: Expected::Accepted,
        reason: LOST_PADDING,
    },
    Deviation {
        tc_id: 372,
        expected: Expected::RefusedAs(InvalidToken::Malformed),
        reason: MALFORMED_BASE64,
    },
    Deviation {
        tc_id: 373,
        expected: Expected::RefusedAs(InvalidToken::Malformed),
        reason: MALFORMED_BASE64,
    },
];

#[test]
fn wycheproof_jws_vectors() {
    let file = vectors(SIGNATURE_VECTORS, "JsonWebSignature");
    let mut tally = Tally::default();
    let mut deviations_met = BTreeSet::new();
    for group in &file.test_groups {
        let keys = single_key(group.verifier_keys());
        for vector in &group.tests {
            let deviation = DEVIATIONS
                .iter()
                .find(|deviation| deviation.tc_id == vector.tc_id);
            let (expected, context) = match deviation {
                Some(deviation) => {
                    deviations_met.insert(deviation.tc_id);
                    let context = format!("{}, listed as a deviation: {}", group.comment, deviation.reason);
                    (deviation.expected, context)
                }
                None => (expected_by_label(vector), group.comment.clone()),
            };
            tally.record(vector, expected, outcome(&keys, &vector.jws), &context);
        }
    }
    tally.assert_nothing_wrong();
    let jws_of = |tc_id: u32| {
        file.test_groups
            .iter()
            .flat_map(|group| &group.tests)
            .find(|vector| vector.tc_id == tc_id)
            .map(|vector| vector.jws.as_str())
    };
    for erratum in [367, 370] {
        assert_eq!(jws_of(erratum), jws_of(357), "tcId {erratum}: {LOST_PADDING}");
    }
    assert_eq!(
        deviations_met.len(),
        DEVIATIONS.len(),
        "every listed deviation is a vector of the file"
    );

    // 46 valid and 355 invalid vectors: 40 + 2 (the lost padding) accepted,
    // 355 - 2 + 2 (malformed base64) + 4 (outside SPEC §3.2) refused.
    assert_eq!(
        (tally.valid_accepted, tally.invalid_refused, tally.deviations),
        (40, 353, 8)
    );
    assert_eq!(
        tally.valid_accepted + tally.invalid_refused + tally.deviations,
        file.number_of_tests
    );
}

#[test]
fn wycheproof_jws_vectors_refuse_bad_keys_when_they_are_read() {
    let file = vectors(SIGNATURE_VECTORS, "JsonWebSignature");
    let mut refused = Vec::new();
    for group in &file.test_groups {
        let keys = single_key(group.verifier_keys());
        let errors = refusals(&keys);
        if !errors.is_empty() {
            assert!(keys.is_ok_and(|keys| keys.is_empty()), "group {}", group.comment);
            refused.push((group.comment.as_str(), group.tests[0].tc_id, errors));
        }
    }
    assert_eq!(
        refused,
        [
            ("rfc7520", 347, vec![Unsupported]),
            ("rfc7520WithKeyOps", 351, vec![Unsupported]),
            // `use: enc`.
            ("rsa_encryption", 353, vec![NotForSignatures]),
            ("ec_key_for_encryption", 354, vec![NotForSignatures]),
            // `key_ops: ["encrypt"]` (RFC 7517 §4.3): not for verifying.
            ("rsa_encryption", 355, vec![NotForSignatures]),
            ("ec_key_for_encryption", 356, vec![NotForSignatures]),
        ]
    );
}

#[test]
fn wycheproof_jwk_vectors_as_published_key_sets() {
    let file = vectors(KEY_VECTORS, "JsonWebKey");
    let mut tally = Tally::default();
    let mut symmetric_sets = 0;
    for group in &file.test_groups {
        let jwks = group.verifier_keys();
        let keys: Keys = Ok(published(jwks));
        let members = jwks["keys"].as_array().expect("a JWK set");
        let all_symmetric = members.iter().all(is_symmetric);
        if all_symmetric {
            // Never from a published set: the vectors' labels are about
            // configured secrets, checked below.
            symmetric_sets += 1;
            assert!(
                refusals(&keys)
                    .iter()
                    .all(|error| *error == KeyError::SymmetricInKeySet)
            );
            assert!(
                keys.as_ref().is_ok_and(KeySet::is_empty),
                "group {}",
                group.comment
            );
        }
        for vector in &group.tests {
            let expected = if all_symmetric {
                Expected::RefusedAs(InvalidToken::UnknownKey)
            } else {
                expected_by_label(vector)
            };
            tally.record(vector, expected, outcome(&keys, &vector.jws), &group.comment);
        }
    }
    tally.assert_nothing_wrong();
    assert_eq!(symmetric_sets, 13);
    // The 14 vectors of symmetric sets (4 valid) are refused by the rule
    // above; of the other 12, one is valid.
    assert_eq!(
        (tally.valid_accepted, tally.invalid_refused, tally.deviations),
        (1, 21, 4)
    );
    assert_eq!(
        tally.valid_accepted + tally.invalid_refused + tally.deviations,
        file.number_of_tests
    );
}

#[test]
fn wycheproof_jwk_vectors_as_configured_secrets() {
    let file = vectors(KEY_VECTORS, "JsonWebKey");
    let mut tally = Tally::default();
    let mut refused_keys = Vec::new();
    for group in &file.test_groups {
        let members = group.verifier_keys()["keys"].as_array().expect("a JWK set");
        if !members.iter().all(is_symmetric) {
            continue;
        }
        let keys = configured(members);
        if keys.is_err() {
            refused_keys.push((group.tests[0].tc_id, refusals(&keys)));
        }
        for vector in &group.tests {
            tally.record(
                vector,
                expected_by_label(vector),
                outcome(&keys, &vector.jws),
                &group.comment,
            );
        }
    }
    tally.assert_nothing_wrong();
    assert_eq!(
        (tally.valid_accepted, tally.invalid_refused, tally.deviations),
        (4, 10, 0)
    );

    assert_eq!(
        refused_keys,
        [
            // The second key's `k` is not canonical base64url (its last
            // character leaves bits set), so the duplicate `kid` never
            // reaches a key set; see the next test for two usable keys.
            (4, vec![InvalidMaterial]),
            // Shorter than the hash output (RFC 7518 §3.2): 31, 47 and 63 bytes.
            (10, vec![InvalidMaterial]),
            (11, vec![InvalidMaterial]),
            (12, vec![InvalidMaterial]),
            // Empty.
            (16, vec![InvalidMaterial]),
            (17, vec![InvalidMaterial]),
            (18, vec![InvalidMaterial]),
            // `alg` A256GCM and A256KW: encryption keys.
            (25, vec![AlgorithmMismatch]),
            (26, vec![AlgorithmMismatch]),
        ]
    );
}

#[test]
fn wycheproof_jwk_vectors_refuse_bad_public_keys_when_they_are_read() {
    let file = vectors(KEY_VECTORS, "JsonWebKey");
    let mut skipped = Vec::new();
    for group in &file.test_groups {
        let jwks = group.verifier_keys();
        if jwks["keys"]
            .as_array()
            .expect("a JWK set")
            .iter()
            .all(is_symmetric)
        {
            continue;
        }
        let reasons: Vec<KeyError> = published(jwks)
            .skipped()
            .iter()
            .filter(|error| **error != KeyError::SymmetricInKeySet)
            .cloned()
            .collect();
        if !reasons.is_empty() {
            skipped.push((group.tests[0].tc_id, reasons));
        }
    }
    assert_eq!(
        skipped,
        [
            // `use: enc`, `alg: RSA1_5`.
            (6, vec![NotForSignatures]),
            // A modulus with the ROCA fingerprint (CVE-2017-15361).
            (7, vec![InvalidMaterial]),
            // 1024 bits.
            (8, vec![KeyError::RsaModulusTooSmall { bits: 1024 }]),
            // e = 1.
            (9, vec![InvalidMaterial]),
            // `alg` ES521 (no such algorithm) and ES224 on a P-256 key.
            (19, vec![AlgorithmMismatch]),
            (20, vec![AlgorithmMismatch]),
            // `use: enc`.
            (21, vec![NotForSignatures]),
            // tcId 22, a point off the curve, is refused when verifying.
            // `alg: ES256` under `crv: P-384` (with P-256 coordinates).
            (23, vec![AlgorithmMismatch]),
            // EC parameters under `kty: RSA`: no key type they fit.
            (24, vec![Unsupported]),
        ]
    );
}

#[test]
fn wycheproof_duplicate_kid_with_two_usable_secrets_is_ambiguous() {
    let file = vectors(KEY_VECTORS, "JsonWebKey");
    let group = file
        .test_groups
        .iter()
        .find(|group| group.comment == "jws_duplicate_kid")
        .expect("the duplicate kid group");
    let vector = &group.tests[0];
    let first = serde_json::from_value(group.verifier_keys()["keys"][0].clone()).unwrap();
    let keys = KeySet::new([
        VerificationKey::from_jwk(&first).unwrap(),
        VerificationKey::hmac_secret(&[7; 32]).with_kid("kid-aes-sign"),
    ]);
    assert_eq!(
        keys.verify_jws(&vector.jws, &every_algorithm()).unwrap_err(),
        InvalidToken::AmbiguousKey,
        "tcId {}",
        vector.tc_id
    );
    // The first key alone verifies it: only the duplicate refuses it.
    let alone = KeySet::new([VerificationKey::from_jwk(&first).unwrap()]);
    assert!(alone.verify_jws(&vector.jws, &every_algorithm()).is_ok());
}
