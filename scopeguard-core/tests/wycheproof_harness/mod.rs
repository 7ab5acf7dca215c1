//! Reading Project Wycheproof's JWS and JWK vector files and running a
//! vector against scopeguard: the harness of `vectors_wycheproof.rs`.

use jsonwebtoken::jwk::Jwk;
use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::jwt::{Algorithm, DEFAULT_ALGORITHMS};
use scopeguard_core::validation::keys::{KeyError, KeySet, VerificationKey};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VectorFile {
    pub(crate) number_of_tests: usize,
    pub(crate) test_groups: Vec<Group>,
}

#[derive(Deserialize)]
pub(crate) struct Group {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) comment: String,
    /// A JWK (signature vectors) or a JWK set (key vectors).
    pub(crate) public: Option<Value>,
    pub(crate) private: Option<Value>,
    pub(crate) tests: Vec<Vector>,
}

impl Group {
    /// The key material a verifier holds: the public key, or the secret.
    pub(crate) fn verifier_keys(&self) -> &Value {
        self.public
            .as_ref()
            .or(self.private.as_ref())
            .expect("a group has a key")
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Vector {
    pub(crate) tc_id: u32,
    pub(crate) comment: String,
    pub(crate) jws: String,
    pub(crate) result: Label,
    pub(crate) flags: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Label {
    Valid,
    Invalid,
    Acceptable,
}

/// What scopeguard answers for a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Accepted,
    Refused(InvalidToken),
    /// A configured key was refused: the configuration does not start.
    NotConfigured,
}

/// What a vector must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    Accepted,
    /// Refused, for whatever reason.
    Refused,
    /// Refused for this reason.
    RefusedAs(InvalidToken),
}

impl Expected {
    pub(crate) fn admits(self, outcome: Outcome) -> bool {
        match (self, outcome) {
            (Self::Accepted, Outcome::Accepted)
            | (Self::Refused, Outcome::Refused(_) | Outcome::NotConfigured) => true,
            (Self::RefusedAs(expected), Outcome::Refused(got)) => expected == got,
            _ => false,
        }
    }
}

/// Every algorithm scopeguard verifies (SPEC §3.2): the defaults and HMAC.
pub(crate) fn every_algorithm() -> Vec<Algorithm> {
    DEFAULT_ALGORITHMS
        .into_iter()
        .chain([Algorithm::HS256, Algorithm::HS384, Algorithm::HS512])
        .collect()
}

pub(crate) fn vectors(json: &str, kind: &str) -> VectorFile {
    let file: VectorFile = serde_json::from_str(json).expect("a Wycheproof vector file");
    for group in &file.test_groups {
        assert_eq!(group.kind, kind, "group {}", group.comment);
    }
    let count: usize = file.test_groups.iter().map(|group| group.tests.len()).sum();
    assert_eq!(
        count, file.number_of_tests,
        "every vector the file announces is read"
    );
    file
}

pub(crate) fn is_symmetric(jwk: &Value) -> bool {
    jwk["kty"] == "oct"
}

/// A published key set: the JWK set document read as a JWKS.
pub(crate) fn published(jwks: &Value) -> KeySet {
    KeySet::from_jwks_json(jwks.to_string().as_bytes()).expect("a key set document")
}

/// The keys a verifier holds: a key set, or why a configured key was
/// refused.
pub(crate) type Keys = Result<KeySet, Vec<KeyError>>;

/// Configured shared secrets, one JWK each: all of them, or the errors of
/// those refused.
pub(crate) fn configured(jwks: &[Value]) -> Keys {
    let mut refused = Vec::new();
    let mut keys = Vec::new();
    for value in jwks {
        let parsed = serde_json::from_value::<Jwk>(value.clone())
            .map_err(|_| KeyError::InvalidMaterial)
            .and_then(|jwk| VerificationKey::from_jwk(&jwk));
        match parsed {
            Ok(key) => keys.push(key),
            Err(error) => refused.push(error),
        }
    }
    if refused.is_empty() {
        Ok(KeySet::new(keys))
    } else {
        Err(refused)
    }
}

/// The keys of a signature group, a single JWK.
pub(crate) fn single_key(jwk: &Value) -> Keys {
    if is_symmetric(jwk) {
        configured(std::slice::from_ref(jwk))
    } else {
        Ok(published(&json!({ "keys": [jwk] })))
    }
}

/// Why keys were refused when read: skipped from a published set, or
/// refused in a configuration.
pub(crate) fn refusals(keys: &Keys) -> Vec<KeyError> {
    match keys {
        Ok(keys) => keys.skipped().to_vec(),
        Err(errors) => errors.clone(),
    }
}

pub(crate) fn outcome(keys: &Keys, jws: &str) -> Outcome {
    let Ok(keys) = keys else {
        return Outcome::NotConfigured;
    };
    match keys.verify_jws(jws, &every_algorithm()) {
        Ok(_) => Outcome::Accepted,
        Err(error) => Outcome::Refused(error),
    }
}

pub(crate) fn expected_by_label(vector: &Vector) -> Expected {
    match vector.result {
        Label::Valid => Expected::Accepted,
        Label::Invalid => Expected::Refused,
        Label::Acceptable => panic!(
            "tcId {} is `acceptable`: decide its answer and list it with the deviations",
            vector.tc_id
        ),
    }
}

/// What ran, for the counts the tests assert.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) valid_accepted: usize,
    pub(crate) invalid_refused: usize,
    pub(crate) deviations: usize,
    pub(crate) wrong: Vec<String>,
}

impl Tally {
    pub(crate) fn record(&mut self, vector: &Vector, expected: Expected, got: Outcome, context: &str) {
        if !expected.admits(got) {
            self.wrong.push(format!(
                "tcId {} ({}, {:?}, flags {:?}, group {context}): expected {expected:?}, got {got:?}",
                vector.tc_id, vector.comment, vector.result, vector.flags
            ));
        } else if !expected_by_label(vector).admits(got) {
            self.deviations += 1;
        } else if got == Outcome::Accepted {
            self.valid_accepted += 1;
        } else {
            self.invalid_refused += 1;
        }
    }

    pub(crate) fn assert_nothing_wrong(&self) {
        assert!(
            self.wrong.is_empty(),
            "{} vectors answered wrongly:\n{}",
            self.wrong.len(),
            self.wrong.join("\n")
        );
    }
}
