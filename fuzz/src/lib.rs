//! Shared fixtures of the fuzz targets: the static key set (the PEM keys of
//! `scopeguard-core/tests/keys`), tokens signed with it, and a tokio
//! runtime.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use scopeguard_core::JwtValidator;
use scopeguard_core::validation::keys::{KeySet, StaticKeys, VerificationKey};

pub const ISSUER: &str = "https://issuer.example";
pub const AUDIENCE: &str = "orders-api";

macro_rules! key {
    ($file:literal) => {
        include_bytes!(concat!("../../scopeguard-core/tests/keys/", $file))
    };
}

/// One key of the fixed key set: its `kid`, algorithm, private and public PEM.
pub struct Fixture {
    pub kid: &'static str,
    pub alg: Algorithm,
    private: &'static [u8],
    public: &'static [u8],
}

pub const FIXTURES: [Fixture; 4] = [
    Fixture {
        kid: "rsa",
        alg: Algorithm::RS256,
        private: key!("rsa_private.pem"),
        public: key!("rsa_public.pem"),
    },
    Fixture {
        kid: "p256",
        alg: Algorithm::ES256,
        private: key!("ec_p256_private.pem"),
        public: key!("ec_p256_public.pem"),
    },
    Fixture {
        kid: "p384",
        alg: Algorithm::ES384,
        private: key!("ec_p384_private.pem"),
        public: key!("ec_p384_public.pem"),
    },
    Fixture {
        kid: "ed",
        alg: Algorithm::EdDSA,
        private: key!("ed25519_private.pem"),
        public: key!("ed25519_public.pem"),
    },
];

/// The attacker's RSA key: never in the key set.
pub const ATTACKER_PRIVATE: &[u8] = key!("attacker_rsa_private.pem");
/// The shared secret of the HMAC fixture: never in the key set either.
pub const HMAC_SECRET: &[u8] = key!("hmac_secret.txt");

impl Fixture {
    pub fn verification_key(&self) -> VerificationKey {
        let key = match self.alg {
            Algorithm::RS256 => VerificationKey::rsa_pem(self.public),
            Algorithm::ES256 | Algorithm::ES384 => VerificationKey::ec_pem(self.public),
            Algorithm::EdDSA => VerificationKey::ed_pem(self.public),
            _ => unreachable!("no such fixture"),
        };
        key.expect("a fixture key").with_kid(self.kid)
    }

    /// The public key, read by jsonwebtoken itself (not through scopeguard).
    pub fn raw_decoding_key(&self) -> DecodingKey {
        match self.alg {
            Algorithm::RS256 => DecodingKey::from_rsa_pem(self.public),
            Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(self.public),
            Algorithm::EdDSA => DecodingKey::from_ed_pem(self.public),
            _ => unreachable!("no such fixture"),
        }
        .expect("a fixture key")
    }

    pub fn encoding_key(&self) -> EncodingKey {
        match self.alg {
            Algorithm::RS256 => EncodingKey::from_rsa_pem(self.private),
            Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(self.private),
            Algorithm::EdDSA => EncodingKey::from_ed_pem(self.private),
            _ => unreachable!("no such fixture"),
        }
        .expect("a fixture key")
    }
}

/// The validator under test: the fixed key set for [`ISSUER`], audience
/// [`AUDIENCE`], the default algorithms (asymmetric only), no token cache.
pub fn validator() -> &'static JwtValidator {
    static VALIDATOR: OnceLock<JwtValidator> = OnceLock::new();
    VALIDATOR.get_or_init(|| build_validator(false))
}

/// The same validator with the verified-token cache on.
pub fn cached_validator() -> &'static JwtValidator {
    static VALIDATOR: OnceLock<JwtValidator> = OnceLock::new();
    VALIDATOR.get_or_init(|| build_validator(true))
}

fn build_validator(cache: bool) -> JwtValidator {
    let keys = KeySet::new(FIXTURES.iter().map(Fixture::verification_key));
    let builder = JwtValidator::builder()
        .issuer(ISSUER, StaticKeys::new(keys))
        .audience(AUDIENCE);
    let builder = if cache { builder } else { builder.without_token_cache() };
    builder.build().expect("a valid configuration")
}

pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

/// A valid token signed by `fixture`, with `scope`.
pub fn signed(fixture: &Fixture, scope: &str) -> String {
    let mut header = Header::new(fixture.alg);
    header.kid = Some(fixture.kid.to_owned());
    header.typ = Some("at+jwt".to_owned());
    let claims = serde_json::json!({
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "alice",
        "client_id": "fuzz",
        "exp": now() + 24 * 3600,
        "iat": now() - 10,
        "scope": scope,
    });
    jsonwebtoken::encode(&header, &claims, &fixture.encoding_key()).expect("a signed token")
}

/// Whether raw jsonwebtoken (not scopeguard) verifies the signature of
/// `token` with one of the fixed public keys, under any algorithm of that
/// key's family.
pub fn raw_signature_verifies(token: &str) -> bool {
    let Some((signing_input, signature)) = token.rsplit_once('.') else {
        return false;
    };
    FIXTURES.iter().any(|fixture| {
        let family: &[Algorithm] = match fixture.alg {
            Algorithm::RS256 => &[
                Algorithm::RS256,
                Algorithm::RS384,
                Algorithm::RS512,
                Algorithm::PS256,
                Algorithm::PS384,
                Algorithm::PS512,
            ],
            other => &[other][..],
        };
        let key = fixture.raw_decoding_key();
        family.iter().any(|&alg| {
            jsonwebtoken::crypto::verify(signature, signing_input.as_bytes(), &key, alg).unwrap_or(false)
        })
    })
}

/// Checks what every accepted token must be: signed by one of the fixed
/// keys (verified again with raw jsonwebtoken), for [`ISSUER`] and
/// [`AUDIENCE`], not expired; and what every rejection must be: a 401
/// (static keys are never unavailable, never a 500).
pub fn check_outcome(token: &str, outcome: &Result<scopeguard_core::Principal, scopeguard_core::AuthError>) {
    match outcome {
        Ok(principal) => {
            assert!(
                raw_signature_verifies(token),
                "accepted a token whose signature raw jsonwebtoken rejects: {token:?}"
            );
            assert_eq!(principal.iss(), Some(ISSUER));
            assert!(principal.aud().iter().any(|aud| aud == AUDIENCE));
            let exp = principal.exp().expect("exp is required");
            assert!(exp + 60 > now(), "accepted an expired token");
        }
        Err(error) => {
            assert_eq!(error.status(), 401, "{error:?} for {token:?}");
            assert!(error.label() != "misconfigured");
        }
    }
}

/// base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url leniently (trailing bits and padding allowed), to
/// compare what two signature segments mean rather than how they are spelt.
pub fn lenient_b64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    LENIENT.decode(text).ok()
}
