//! DPoP keys and proofs for tests (SPEC §3.6, §8): a client key, tokens
//! bound to it, and proofs with a knob for every field, so that both
//! acceptance and every refusal can be tested.
//!
//! ```
//! use scopeguard_core::test_util::{DpopKey, TestIssuer};
//!
//! let issuer = TestIssuer::new();
//! let key = DpopKey::es256();
//! let token = issuer.token().scopes("order:item").dpop_bound(&key).sign();
//! let proof = key.proof("GET", "https://api.test/orders/1/items", &token).sign();
//! assert_eq!(proof.split('.').count(), 3);
//! // A proof used before its time, for a test of a refusal:
//! let early = key.proof("GET", "https://api.test/x", &token).iat_offset(3600).sign();
//! # let _ = early;
//! ```

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Map, Value, json};

use super::TestIssuerProblem;
use super::signing_key::SigningKey;
use crate::dpop::{access_token_hash, jwk_thumbprint};

/// A client's DPoP key pair.
#[derive(Clone)]
pub struct DpopKey {
    key: SigningKey,
    jwk: Map<String, Value>,
}

impl DpopKey {
    /// A new key for `algorithm` (ES256, ES384, EdDSA, or an RSA one).
    pub fn generate(algorithm: Algorithm) -> Result<Self, TestIssuerProblem> {
        crate::validation::jwt::install_crypto_provider();
        let key = SigningKey::generate(algorithm, Some("dpop"))?;
        let Ok(Value::Object(mut jwk)) = serde_json::to_value(key.public_jwk()) else {
            return Err(TestIssuerProblem::KeyGeneration);
        };
        for member in ["kid", "use", "alg", "key_ops"] {
            jwk.remove(member);
        }
        Ok(Self { key, jwk })
    }

    /// A new P-256 key (ES256).
    pub fn es256() -> Self {
        Self::generate(Algorithm::ES256).expect("a P-256 key can be generated")
    }

    /// A new Ed25519 key (EdDSA).
    pub fn ed25519() -> Self {
        Self::generate(Algorithm::EdDSA).expect("an Ed25519 key can be generated")
    }

    /// The algorithm the key signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.key.algorithm()
    }

    /// The public key as a JWK (required members only).
    pub fn public_jwk(&self) -> &Map<String, Value> {
        &self.jwk
    }

    /// The RFC 7638 thumbprint: the `cnf.jkt` of tokens bound to this key.
    pub fn thumbprint(&self) -> String {
        jwk_thumbprint(&self.jwk).unwrap_or_default()
    }

    /// A proof for a request `method` `uri` with access token `token`, made
    /// now with a fresh `jti`; change any field before [`sign`](DpopProofBuilder::sign).
    pub fn proof(&self, method: &str, uri: &str, token: &str) -> DpopProofBuilder {
        let now = unix_now();
        let mut claims = Map::new();
        claims.insert("jti".into(), json!(fresh_jti()));
        claims.insert("htm".into(), json!(method));
        claims.insert("htu".into(), json!(uri));
        claims.insert("iat".into(), json!(now));
        claims.insert("ath".into(), json!(access_token_hash(token)));
        let mut header = Map::new();
        header.insert("typ".into(), json!("dpop+jwt"));
        header.insert("alg".into(), json!(algorithm_name(self.key.algorithm())));
        header.insert("jwk".into(), Value::Object(self.jwk.clone()));
        DpopProofBuilder {
            header,
            claims,
            signer: Signer::Key(self.key.private().clone(), self.key.algorithm()),
            now,
        }
    }
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopKey")
            .field("algorithm", &self.key.algorithm())
            .field("thumbprint", &self.thumbprint())
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
enum Signer {
    Key(EncodingKey, Algorithm),
    Unsigned,
}

/// A DPoP proof being made: every header member and claim can be changed.
#[derive(Clone)]
#[must_use]
pub struct DpopProofBuilder {
    header: Map<String, Value>,
    claims: Map<String, Value>,
    signer: Signer,
    now: u64,
}

impl DpopProofBuilder {
    /// Sets the header's `typ` (default `dpop+jwt`).
    pub fn typ(self, typ: &str) -> Self {
        self.header_member("typ", json!(typ))
    }

    /// Sets the header's `alg` name only (the signature stays the key's).
    pub fn alg(self, alg: &str) -> Self {
        self.header_member("alg", json!(alg))
    }

    /// Replaces the header's `jwk` (e.g. with private members added).
    pub fn jwk(self, jwk: Value) -> Self {
        self.header_member("jwk", jwk)
    }

    /// Sets any header member.
    pub fn header_member(mut self, name: &str, value: Value) -> Self {
        self.header.insert(name.into(), value);
        self
    }

    /// Removes a header member.
    pub fn without_header_member(mut self, name: &str) -> Self {
        self.header.remove(name);
        self
    }

    /// Signs with `other` while the header keeps this key's `jwk`.
    pub fn signed_by(mut self, other: &DpopKey) -> Self {
        self.signer = Signer::Key(other.key.private().clone(), other.key.algorithm());
        self
    }

    /// Signs with HMAC-SHA256 and `secret`, `alg` `HS256`.
    pub fn hmac(mut self, secret: &[u8]) -> Self {
        self.signer = Signer::Key(EncodingKey::from_secret(secret), Algorithm::HS256);
        self.header_member("alg", json!("HS256"))
    }

    /// No signature, `alg` `none`.
    pub fn unsigned(mut self) -> Self {
        self.signer = Signer::Unsigned;
        self.header_member("alg", json!("none"))
    }

    /// Sets `jti`.
    pub fn jti(self, jti: &str) -> Self {
        self.claim("jti", json!(jti))
    }

    /// Sets `htm`.
    pub fn htm(self, htm: &str) -> Self {
        self.claim("htm", json!(htm))
    }

    /// Sets `htu`.
    pub fn htu(self, htu: &str) -> Self {
        self.claim("htu", json!(htu))
    }

    /// Sets `iat` (seconds since the epoch).
    pub fn iat(self, iat: u64) -> Self {
        self.claim("iat", json!(iat))
    }

    /// Sets `iat` to now plus `seconds` (negative: in the past).
    pub fn iat_offset(self, seconds: i64) -> Self {
        let iat = self.now.saturating_add_signed(seconds);
        self.iat(iat)
    }

    /// Sets `ath` (default: the hash of the token the proof was made for).
    pub fn ath(self, ath: &str) -> Self {
        self.claim("ath", json!(ath))
    }

    /// Sets `nonce`.
    pub fn nonce(self, nonce: &str) -> Self {
        self.claim("nonce", json!(nonce))
    }

    /// Sets `nbf`.
    pub fn nbf(self, nbf: u64) -> Self {
        self.claim("nbf", json!(nbf))
    }

    /// Sets `exp`.
    pub fn exp(self, exp: u64) -> Self {
        self.claim("exp", json!(exp))
    }

    /// Sets any claim.
    pub fn claim(mut self, name: &str, value: Value) -> Self {
        self.claims.insert(name.into(), value);
        self
    }

    /// Removes a claim.
    pub fn without_claim(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// The proof, in compact form.
    pub fn sign(self) -> String {
        let header = URL_SAFE_NO_PAD.encode(Value::Object(self.header).to_string());
        let claims = URL_SAFE_NO_PAD.encode(Value::Object(self.claims).to_string());
        let message = format!("{header}.{claims}");
        let signature = match &self.signer {
            Signer::Key(key, algorithm) => {
                jsonwebtoken::crypto::sign(message.as_bytes(), key, *algorithm).expect("the test key signs")
            }
            Signer::Unsigned => String::new(),
        };
        format!("{message}.{signature}")
    }
}

impl fmt::Debug for DpopProofBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopProofBuilder")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

fn fresh_jti() -> String {
    let mut bytes = [0_u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system has randomness");
    URL_SAFE_NO_PAD.encode(bytes)
}

fn algorithm_name(algorithm: Algorithm) -> &'static str {
    crate::dpop::config_algorithm_name(algorithm)
}
