//! One verification key and the algorithms it may verify.

use std::fmt;

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, KeyOperations, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};

use super::ec_curve;
use super::jwk_parameters::check_parameters;
#[cfg(feature = "aws-lc-rs")]
use super::prepared_hmac::PreparedHmac;
use super::rsa_public_key;

/// The kind of a key, which fixes the algorithms it can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyKind {
    /// A shared secret: HS256, HS384, HS512.
    Hmac,
    /// An RSA public key: RS256/384/512, PS256/384/512.
    Rsa,
    /// An EC public key on P-256 (ES256).
    EcP256,
    /// An EC public key on P-384 (ES384).
    EcP384,
    /// An Ed25519 public key: EdDSA.
    Ed25519,
}

impl KeyKind {
    /// Whether a key of this kind can verify `alg`.
    pub fn supports(self, alg: Algorithm) -> bool {
        use Algorithm as A;
        match self {
            Self::Hmac => matches!(alg, A::HS256 | A::HS384 | A::HS512),
            Self::Rsa => matches!(
                alg,
                A::RS256 | A::RS384 | A::RS512 | A::PS256 | A::PS384 | A::PS512
            ),
            Self::EcP256 => alg == A::ES256,
            Self::EcP384 => alg == A::ES384,
            Self::Ed25519 => alg == A::EdDSA,
        }
    }
}

/// Why a key cannot be used for verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key material does not parse.
    #[error("the key material is invalid")]
    InvalidMaterial,
    /// The JWK's `use` is not `sig`.
    #[error("the key is not for signatures")]
    NotForSignatures,
    /// A key type or curve scopeguard does not verify with (e.g. P-521, X25519).
    #[error("unsupported key type or curve")]
    Unsupported,
    /// A JWK `alg` that does not fit its key type, or an encryption algorithm.
    #[error("the key's algorithm does not fit its key type")]
    AlgorithmMismatch,
    /// A symmetric (`oct`) key in a JWKS document: shared secrets are
    /// configured directly, never taken from a published key set.
    #[error("symmetric keys are not accepted from a key set document")]
    SymmetricInKeySet,
    /// An RSA key whose modulus is shorter than 2048 bits (RFC 7518 §3.3),
    /// whether it came as PEM, DER or JWK.
    #[error("the RSA modulus has {bits} bits; at least 2048 are required")]
    RsaModulusTooSmall {
        /// The modulus's length in bits.
        bits: usize,
    },
}

/// A key that verifies token signatures.
///
/// It carries its `kid` (if any), its [`KeyKind`], and the one algorithm it is
/// restricted to when its JWK names an `alg`.
#[derive(Clone)]
pub struct VerificationKey {
    kid: Option<String>,
    kind: KeyKind,
    algorithm: Option<Algorithm>,
    key: DecodingKey,
    /// A shared secret set up for verification once.
    #[cfg(feature = "aws-lc-rs")]
    hmac: Option<PreparedHmac>,
    /// The JWK the key came from, for recognising an unchanged key across
    /// key-set refreshes.
    source: Option<serde_json::Value>,
}

impl VerificationKey {
    fn new(kind: KeyKind, key: DecodingKey) -> Self {
        #[cfg(feature = "aws-lc-rs")]
        let hmac = match kind {
            KeyKind::Hmac => key.try_get_as_bytes().ok().map(PreparedHmac::new),
            _ => None,
        };
        Self {
            kid: None,
            kind,
            algorithm: None,
            key,
            #[cfg(feature = "aws-lc-rs")]
            hmac,
            source: None,
        }
    }

    /// A shared secret for HS256/384/512.
    ///
    /// A secret verifies an HMAC algorithm only when it is at least as long
    /// as the algorithm's hash output (RFC 7518 §3.2): 32 bytes for HS256,
    /// 48 for HS384, 64 for HS512. A secret shorter than 32 bytes verifies
    /// nothing, and a warning says so when the key is made.
    pub fn hmac_secret(secret: &[u8]) -> Self {
        if secret.len() < shortest_secret(Algorithm::HS256) {
            tracing::warn!(
                length = secret.len(),
                "the shared secret is shorter than 32 bytes: it verifies no HMAC algorithm (RFC 7518 §3.2)"
            );
        }
        Self::new(KeyKind::Hmac, DecodingKey::from_secret(secret))
    }

    /// An RSA public key in PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`).
    ///
    /// A modulus shorter than 2048 bits is
    /// [`KeyError::RsaModulusTooSmall`]; a private key, or a public
    /// exponent that is even, 1 or longer than 8 bytes, is
    /// [`KeyError::InvalidMaterial`].
    pub fn rsa_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let key = DecodingKey::from_rsa_pem(pem).map_err(|_| KeyError::InvalidMaterial)?;
        let der = key.try_get_as_bytes().map_err(|_| KeyError::InvalidMaterial)?;
        rsa_public_key::check_pkcs1_der(der)?;
        Ok(Self::new(KeyKind::Rsa, key))
    }

    /// An EC public key in PEM (a `PUBLIC KEY` or a `CERTIFICATE`) on P-256
    /// or P-384.
    ///
    /// The curve named in the key's algorithm identifier fixes the kind
    /// ([`KeyKind::EcP256`] or [`KeyKind::EcP384`]), so the key verifies
    /// only ES256 or only ES384. Another curve is
    /// [`KeyError::Unsupported`].
    pub fn ec_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let key = DecodingKey::from_ec_pem(pem).map_err(|_| KeyError::InvalidMaterial)?;
        let kind = ec_curve::curve_of_pem(pem)?;
        let point = key.try_get_as_bytes().map_err(|_| KeyError::InvalidMaterial)?;
        if ec_curve::curve_of_point(point)? != kind {
            return Err(KeyError::InvalidMaterial);
        }
        Ok(Self::new(kind, key))
    }

    /// An Ed25519 public key in PEM.
    pub fn ed_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let key = DecodingKey::from_ed_pem(pem).map_err(|_| KeyError::InvalidMaterial)?;
        Ok(Self::new(KeyKind::Ed25519, key))
    }

    /// An RSA public key in PKCS#1 DER (`RSAPublicKey`, RFC 8017 §A.1.1).
    ///
    /// A modulus shorter than 2048 bits is
    /// [`KeyError::RsaModulusTooSmall`]; anything but an `RSAPublicKey`
    /// (an SPKI, a private key, trailing bytes), or a public exponent that
    /// is even, 1 or longer than 8 bytes, is [`KeyError::InvalidMaterial`].
    pub fn rsa_der(der: &[u8]) -> Result<Self, KeyError> {
        rsa_public_key::check_pkcs1_der(der)?;
        Ok(Self::new(KeyKind::Rsa, DecodingKey::from_rsa_der(der)))
    }

    /// An EC public key as a SEC1 point (`04 || x || y`, the form
    /// jsonwebtoken verifies with; not an SPKI), on P-256 or P-384.
    ///
    /// The point's length fixes the curve: 65 bytes (33 compressed) is
    /// P-256 ([`KeyKind::EcP256`], ES256 only), 97 bytes (49 compressed) is
    /// P-384 ([`KeyKind::EcP384`], ES384 only); any other input is
    /// [`KeyError::InvalidMaterial`].
    pub fn ec_der(der: &[u8]) -> Result<Self, KeyError> {
        let kind = ec_curve::curve_of_point(der)?;
        Ok(Self::new(kind, DecodingKey::from_ec_der(der)))
    }

    /// An Ed25519 public key, its 32 raw bytes.
    pub fn ed_der(der: &[u8]) -> Self {
        Self::new(KeyKind::Ed25519, DecodingKey::from_ed_der(der))
    }

    /// A key from a public JWK.
    ///
    /// `use` must be absent or `sig`, and `key_ops`, when present, must
    /// include `verify` (RFC 7517 §4.2, §4.3); `alg`, when present, must fit
    /// the key type and then restricts the key to that algorithm. The
    /// parameters must have the lengths of the key's type and curve; an RSA
    /// modulus shorter than 2048 bits is [`KeyError::RsaModulusTooSmall`]. A
    /// symmetric key (`oct`) needs at least 32 bytes, and as many as its
    /// `alg`'s hash output when it names one (RFC 7518 §3.2).
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, KeyError> {
        if matches!(
            jwk.common.public_key_use,
            Some(PublicKeyUse::Encryption | PublicKeyUse::Other(_))
        ) || jwk
            .common
            .key_operations
            .as_ref()
            .is_some_and(|operations| !operations.contains(&KeyOperations::Verify))
        {
            return Err(KeyError::NotForSignatures);
        }
        let kind = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => KeyKind::Rsa,
            AlgorithmParameters::EllipticCurve(params) => match params.curve {
                EllipticCurve::P256 => KeyKind::EcP256,
                EllipticCurve::P384 => KeyKind::EcP384,
                _ => return Err(KeyError::Unsupported),
            },
            AlgorithmParameters::OctetKeyPair(params) => match params.curve {
                EllipticCurve::Ed25519 => KeyKind::Ed25519,
                _ => return Err(KeyError::Unsupported),
            },
            AlgorithmParameters::OctetKey(_) => KeyKind::Hmac,
            _ => return Err(KeyError::Unsupported),
        };
        let algorithm = match jwk.common.key_algorithm {
            None => None,
            Some(named) => {
                let algorithm = signature_algorithm(named).ok_or(KeyError::AlgorithmMismatch)?;
                if !kind.supports(algorithm) {
                    return Err(KeyError::AlgorithmMismatch);
                }
                Some(algorithm)
            }
        };
        check_parameters(&jwk.algorithm)?;
        let key = DecodingKey::from_jwk(jwk).map_err(|_| KeyError::InvalidMaterial)?;
        let key = Self {
            kid: jwk.common.key_id.clone(),
            algorithm,
            ..Self::new(kind, key)
        };
        // The type fits `alg`; a secret too short for it still does not.
        if algorithm.is_some_and(|algorithm| !key.supports(algorithm)) {
            return Err(KeyError::InvalidMaterial);
        }
        Ok(key)
    }

    /// Parses one JWK from JSON, remembering the JSON to recognise the same
    /// key in a later key set.
    pub(crate) fn from_jwk_json(value: serde_json::Value) -> Result<Self, KeyError> {
        let jwk: Jwk = serde_json::from_value(value.clone()).map_err(|_| KeyError::InvalidMaterial)?;
        let mut key = Self::from_jwk(&jwk)?;
        key.source = Some(value);
        Ok(key)
    }

    /// Sets the key id the key is selected by.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Restricts the key to one algorithm.
    ///
    /// Fails when the key's kind cannot verify `algorithm`
    /// ([`KeyError::AlgorithmMismatch`]), or when it is a shared secret
    /// shorter than `algorithm`'s hash output ([`KeyError::InvalidMaterial`]).
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Result<Self, KeyError> {
        if !self.kind.supports(algorithm) {
            return Err(KeyError::AlgorithmMismatch);
        }
        if !self.is_long_enough_for(algorithm) {
            return Err(KeyError::InvalidMaterial);
        }
        self.algorithm = Some(algorithm);
        Ok(self)
    }

    /// The key id.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The key's kind.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The one algorithm the key is restricted to, if any.
    pub fn algorithm(&self) -> Option<Algorithm> {
        self.algorithm
    }

    /// Whether the key may verify a token signed with `alg`: the key kind
    /// fits, the key's own `alg`, when it has one, is `alg`, and a shared
    /// secret is at least as long as `alg`'s hash output (RFC 7518 §3.2).
    pub fn supports(&self, alg: Algorithm) -> bool {
        self.kind.supports(alg) && self.algorithm.is_none_or(|own| own == alg) && self.is_long_enough_for(alg)
    }

    /// Whether a shared secret has the length `alg` needs; other kinds of
    /// key always do.
    fn is_long_enough_for(&self, alg: Algorithm) -> bool {
        self.kind != KeyKind::Hmac
            || self
                .key
                .try_get_as_bytes()
                .is_ok_and(|secret| secret.len() >= shortest_secret(alg))
    }

    /// The key for jsonwebtoken.
    pub fn decoding_key(&self) -> &DecodingKey {
        &self.key
    }

    /// Verifies an HMAC `tag` of `message` with the prepared secret: `None`
    /// when the key has none (another kind, or `alg` is not HMAC), for the
    /// caller to verify through jsonwebtoken.
    #[cfg_attr(
        not(feature = "aws-lc-rs"),
        expect(clippy::unused_self, reason = "only aws-lc-rs prepares secrets")
    )]
    pub(crate) fn verify_hmac(&self, alg: Algorithm, message: &[u8], tag: &[u8]) -> Option<bool> {
        #[cfg(feature = "aws-lc-rs")]
        {
            self.hmac.as_ref()?.verify(alg, message, tag)
        }
        #[cfg(not(feature = "aws-lc-rs"))]
        {
            let _ = (alg, message, tag);
            None
        }
    }

    /// The JWK JSON the key was parsed from, if any.
    pub(crate) fn source(&self) -> Option<&serde_json::Value> {
        self.source.as_ref()
    }
}

/// The shortest shared secret for `alg`, in bytes: its hash output
/// (RFC 7518 §3.2); 0 for the algorithms that take no secret.
fn shortest_secret(alg: Algorithm) -> usize {
    match alg {
        Algorithm::HS256 => 32,
        Algorithm::HS384 => 48,
        Algorithm::HS512 => 64,
        _ => 0,
    }
}

/// The signature algorithm a JWK `alg` names; `None` for encryption algorithms.
fn signature_algorithm(named: KeyAlgorithm) -> Option<Algorithm> {
    Some(match named {
        KeyAlgorithm::HS256 => Algorithm::HS256,
        KeyAlgorithm::HS384 => Algorithm::HS384,
        KeyAlgorithm::HS512 => Algorithm::HS512,
        KeyAlgorithm::ES256 => Algorithm::ES256,
        KeyAlgorithm::ES384 => Algorithm::ES384,
        KeyAlgorithm::RS256 => Algorithm::RS256,
        KeyAlgorithm::RS384 => Algorithm::RS384,
        KeyAlgorithm::RS512 => Algorithm::RS512,
        KeyAlgorithm::PS256 => Algorithm::PS256,
        KeyAlgorithm::PS384 => Algorithm::PS384,
        KeyAlgorithm::PS512 => Algorithm::PS512,
        KeyAlgorithm::EdDSA => Algorithm::EdDSA,
        _ => return None,
    })
}

impl fmt::Debug for VerificationKey {
    /// Shows the key's identity, never its material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationKey")
            .field("kid", &self.kid)
            .field("kind", &self.kind)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}
