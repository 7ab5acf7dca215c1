//! JWKS document parsing (`KeySet::from_jwks_json`, SPEC §3.3): the parser
//! every fetched key set goes through.
//!
//! Properties: the document is accepted exactly when it is a JSON object
//! whose `keys` is an array; then every element is either a usable key or
//! a skipped one (never both, never lost), so `len + skipped = elements`;
//! symmetric (`oct`) keys are always skipped; each usable key supports at
//! least one algorithm, and the algorithm named by its JWK (if any) is the
//! only one it supports; parsing again while reusing the first result keeps
//! every key's identity (what the token cache relies on); key selection
//! never panics and picks a key that supports the algorithm.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopeguard_core::validation::jwt::Algorithm;
use scopeguard_core::validation::keys::KeySet;
use serde_json::Value;

const ALGORITHMS: [Algorithm; 12] = [
    Algorithm::HS256,
    Algorithm::HS384,
    Algorithm::HS512,
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

fuzz_target!(|data: &[u8]| {
    let parsed = KeySet::from_jwks_json(data);
    let elements = serde_json::from_slice::<Value>(data)
        .ok()
        .and_then(|document| match document {
            Value::Object(mut members) => match members.remove("keys") {
                Some(Value::Array(keys)) => Some(keys),
                _ => None,
            },
            _ => None,
        });
    // serde's struct parsing rejects a duplicated `keys` member, which the
    // `Value` parse above keeps the last of: only compare when unambiguous.
    let duplicated_keys =
        data.windows(6).filter(|window| window == b"\"keys\"").count() > 1 || data.windows(2).any(|window| window == b"\\u");
    if !duplicated_keys {
        assert_eq!(parsed.is_ok(), elements.is_some(), "{:?}", String::from_utf8_lossy(data));
    }
    let (Ok(set), Some(elements)) = (parsed, elements) else {
        return;
    };
    assert_eq!(set.len() + set.skipped().len(), elements.len());
    let symmetric = elements
        .iter()
        .filter(|key| key.get("kty").and_then(Value::as_str) == Some("oct"))
        .count();
    assert!(set.skipped().len() >= symmetric, "a symmetric key was used");
    for key in set.iter() {
        let supported: Vec<Algorithm> = ALGORITHMS.iter().copied().filter(|&alg| key.supports(alg)).collect();
        assert!(!supported.is_empty(), "a usable key supports no algorithm");
        assert!(
            !supported.iter().any(|alg| matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)),
            "a key from a JWKS verifies HMAC"
        );
        if let Some(alg) = key.algorithm() {
            assert_eq!(supported, [alg], "a JWK naming an alg verifies only that alg");
        }
    }
    let again = KeySet::from_jwks_json_reusing(data, Some(&set)).expect("the same document parses again");
    assert_eq!(again.len(), set.len());
    // Two equal JWKs in one document share the first one's identity on
    // reuse; identity is only promised for distinct keys.
    let distinct = elements
        .iter()
        .enumerate()
        .all(|(index, key)| !elements[..index].contains(key));
    if distinct {
        for key in set.iter() {
            assert!(again.contains(key), "a key unchanged across a refresh keeps its identity");
        }
    }
    for alg in ALGORITHMS {
        for kid in set.iter().filter_map(|key| key.kid()).take(4).map(Some).chain([None]) {
            if let Ok(key) = set.select(kid, alg) {
                assert!(key.supports(alg));
                if let Some(kid) = kid {
                    assert_eq!(key.kid(), Some(kid));
                }
            }
        }
    }
});
