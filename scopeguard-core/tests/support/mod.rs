//! Token minting and test key sources shared by the integration tests.
#![allow(dead_code, reason = "each test file uses part of the support module")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::EncodingKey;
use jsonwebtoken::jwk::Jwk;
use scopeguard_core::error::{InvalidToken, Unavailable};
use scopeguard_core::validation::jwt::{Algorithm, JwtValidator, JwtValidatorBuilder};
use scopeguard_core::validation::keys::{KeySet, KeySource, RefreshFuture, StaticKeys, VerificationKey};
use scopeguard_core::{AuthError, GrantedScopes};
use serde_json::{Value, json};

pub(crate) const ISSUER: &str = "https://issuer.example";
pub(crate) const AUDIENCE: &str = "orders-api";

pub(crate) const RSA_PRIVATE: &[u8] = include_bytes!("../keys/rsa_private.pem");
pub(crate) const RSA_PUBLIC: &[u8] = include_bytes!("../keys/rsa_public.pem");
pub(crate) const ATTACKER_RSA_PRIVATE: &[u8] = include_bytes!("../keys/attacker_rsa_private.pem");
pub(crate) const P256_PRIVATE: &[u8] = include_bytes!("../keys/ec_p256_private.pem");
pub(crate) const P256_PUBLIC: &[u8] = include_bytes!("../keys/ec_p256_public.pem");
pub(crate) const P384_PRIVATE: &[u8] = include_bytes!("../keys/ec_p384_private.pem");
pub(crate) const P384_PUBLIC: &[u8] = include_bytes!("../keys/ec_p384_public.pem");
pub(crate) const ED25519_PRIVATE: &[u8] = include_bytes!("../keys/ed25519_private.pem");
pub(crate) const ED25519_PUBLIC: &[u8] = include_bytes!("../keys/ed25519_public.pem");
pub(crate) const HMAC_SECRET: &[u8] = include_bytes!("../keys/hmac_secret.txt");

/// Seconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after the epoch")
        .as_secs()
}

/// Base64url without padding.
pub(crate) fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A private key with the algorithm and `kid` it signs with.
pub(crate) struct Signer {
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<&'static str>,
    pub(crate) key: EncodingKey,
}

impl Signer {
    pub(crate) fn rsa(alg: Algorithm) -> Self {
        Self::new(
            alg,
            Some("rsa"),
            EncodingKey::from_rsa_pem(RSA_PRIVATE).expect("RSA key"),
        )
    }

    pub(crate) fn attacker_rsa() -> Self {
        Self::new(
            Algorithm::RS256,
            Some("rsa"),
            EncodingKey::from_rsa_pem(ATTACKER_RSA_PRIVATE).expect("RSA key"),
        )
    }

    pub(crate) fn p256() -> Self {
        Self::new(
            Algorithm::ES256,
            Some("p256"),
            EncodingKey::from_ec_pem(P256_PRIVATE).expect("EC key"),
        )
    }

    pub(crate) fn p384() -> Self {
        Self::new(
            Algorithm::ES384,
            Some("p384"),
            EncodingKey::from_ec_pem(P384_PRIVATE).expect("EC key"),
        )
    }

    pub(crate) fn ed25519() -> Self {
        Self::new(
            Algorithm::EdDSA,
            Some("ed"),
            EncodingKey::from_ed_pem(ED25519_PRIVATE).expect("Ed key"),
        )
    }

    pub(crate) fn hmac() -> Self {
        Self::new(
            Algorithm::HS256,
            Some("hs"),
            EncodingKey::from_secret(HMAC_SECRET),
        )
    }

    pub(crate) fn new(alg: Algorithm, kid: Option<&'static str>, key: EncodingKey) -> Self {
        scopeguard_core::validation::jwt::install_crypto_provider();
        Self { alg, kid, key }
    }

    #[must_use]
    pub(crate) fn with_kid(mut self, kid: Option<&'static str>) -> Self {
        self.kid = kid;
        self
    }

    /// The header a well-behaved issuer writes: `alg`, `typ` `at+jwt`, `kid`.
    pub(crate) fn header(&self) -> Value {
        let mut header = json!({"alg": alg_name(self.alg), "typ": "at+jwt"});
        if let Some(kid) = self.kid {
            header["kid"] = json!(kid);
        }
        header
    }

    /// A token with the standard header and `claims`.
    pub(crate) fn sign(&self, claims: &Value) -> String {
        self.sign_with_header(&self.header(), claims)
    }

    /// A token with any header, signed with this key and algorithm.
    pub(crate) fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        self.sign_parts(&header.to_string(), &claims.to_string())
    }

    /// A token from raw header and claims text, signed with this key and
    /// algorithm.
    pub(crate) fn sign_parts(&self, header: &str, claims: &str) -> String {
        let signing_input = format!("{}.{}", b64(header), b64(claims));
        let signature =
            jsonwebtoken::crypto::sign(signing_input.as_bytes(), &self.key, self.alg).expect("signing");
        format!("{signing_input}.{signature}")
    }

    /// The public JWK of this key, naming its algorithm.
    pub(crate) fn public_jwk(&self) -> Jwk {
        let mut jwk = Jwk::from_encoding_key(&self.key, self.alg).expect("JWK");
        jwk.common.key_id = self.kid.map(str::to_owned);
        jwk
    }
}

/// The name of an algorithm in a JOSE header.
pub(crate) fn alg_name(alg: Algorithm) -> String {
    serde_json::to_value(alg)
        .expect("algorithm")
        .as_str()
        .expect("a string")
        .to_owned()
}

/// Claims a well-behaved issuer writes, valid for five minutes.
pub(crate) fn claims() -> Value {
    let now = now();
    json!({
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": now + 300,
        "iat": now,
        "sub": "alice",
        "client_id": "web-app",
        "scope": "order inventory:price",
    })
}

/// The verification keys of every test signer, each with its `kid`.
pub(crate) fn all_keys() -> KeySet {
    KeySet::new([
        VerificationKey::rsa_pem(RSA_PUBLIC)
            .expect("RSA key")
            .with_kid("rsa"),
        VerificationKey::ec_pem(P256_PUBLIC)
            .expect("EC key")
            .with_kid("p256"),
        VerificationKey::ec_pem(P384_PUBLIC)
            .expect("EC key")
            .with_kid("p384"),
        VerificationKey::ed_pem(ED25519_PUBLIC)
            .expect("Ed key")
            .with_kid("ed"),
    ])
}

/// A builder for the issuer [`ISSUER`] with [`all_keys`] and the audience
/// [`AUDIENCE`].
pub(crate) fn builder() -> JwtValidatorBuilder {
    JwtValidator::builder()
        .issuer(ISSUER, StaticKeys::new(all_keys()))
        .audience(AUDIENCE)
}

/// The default validator for [`ISSUER`] and [`AUDIENCE`].
pub(crate) fn validator() -> JwtValidator {
    builder().build().expect("valid configuration")
}

/// The retry delay the test key sources report.
pub(crate) const RETRY_AFTER: Duration = Duration::from_secs(7);

/// A key source whose current key set and refresh outcome a test controls,
/// counting the refreshes asked for.
#[derive(Debug, Default)]
pub(crate) struct ScriptedKeys {
    current: Mutex<Option<Arc<KeySet>>>,
    after_refresh: Mutex<Option<Arc<KeySet>>>,
    refreshes: AtomicUsize,
}

impl ScriptedKeys {
    /// A source answering with `keys` now and after a refresh.
    pub(crate) fn with(keys: KeySet) -> Arc<Self> {
        let keys = Arc::new(keys);
        Arc::new(Self {
            current: Mutex::new(Some(Arc::clone(&keys))),
            after_refresh: Mutex::new(Some(keys)),
            refreshes: AtomicUsize::new(0),
        })
    }

    /// A source that never obtained a key set, and whose refreshes fail.
    pub(crate) fn unavailable() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Replaces the current key set (and the one a refresh gives).
    pub(crate) fn set(&self, keys: Option<Arc<KeySet>>) {
        self.current.lock().expect("lock").clone_from(&keys);
        *self.after_refresh.lock().expect("lock") = keys;
    }

    /// Sets what the next refreshes give, leaving the current set as is.
    pub(crate) fn on_refresh(&self, keys: Option<Arc<KeySet>>) {
        *self.after_refresh.lock().expect("lock") = keys;
    }

    pub(crate) fn refreshes(&self) -> usize {
        self.refreshes.load(Ordering::SeqCst)
    }
}

impl KeySource for ScriptedKeys {
    fn key_set(&self) -> Result<Arc<KeySet>, Unavailable> {
        self.current
            .lock()
            .expect("lock")
            .clone()
            .ok_or(Unavailable::KeySet {
                retry_after: RETRY_AFTER,
            })
    }

    fn refresh(&self) -> RefreshFuture<'_> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        let refreshed = self.after_refresh.lock().expect("lock").clone();
        if let Some(keys) = &refreshed {
            *self.current.lock().expect("lock") = Some(Arc::clone(keys));
        }
        Box::pin(std::future::ready(refreshed.ok_or(Unavailable::KeySet {
            retry_after: RETRY_AFTER,
        })))
    }
}

/// Why `validator` rejects `token` as an invalid token (panics otherwise).
pub(crate) async fn rejection(validator: &JwtValidator, token: &str) -> InvalidToken {
    match validator.validate(token).await {
        Err(AuthError::InvalidToken(reason)) => reason,
        other => panic!("expected an invalid token, got {other:?}"),
    }
}

/// The standard [`claims`] with `claim` set to `value`.
pub(crate) fn with(claim: &str, value: Value) -> Value {
    let mut claims = claims();
    claims[claim] = value;
    claims
}

/// A granted set from a fixture list.
pub(crate) fn scopes(list: &str) -> GrantedScopes {
    list.parse().expect("test fixture")
}
