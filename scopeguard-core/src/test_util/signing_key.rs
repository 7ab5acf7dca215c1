//! The signing key of a test issuer, generated when the issuer is built.

use std::fmt;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair,
    RsaKeyPair,
};
use jsonwebtoken::jwk::{Jwk, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey};

use super::TestIssuerProblem;
use crate::validation::keys::VerificationKey;

/// A freshly generated private key, the algorithm it signs with, and its
/// public half as a JWK.
#[derive(Clone)]
pub(super) struct SigningKey {
    algorithm: Algorithm,
    private: EncodingKey,
    public: Jwk,
}

impl SigningKey {
    /// Generates a key for `algorithm` (Ed25519 for EdDSA, P-256 for ES256,
    /// P-384 for ES384, RSA 2048 for the RSA algorithms). `kid` defaults to
    /// the key's RFC 7638 thumbprint.
    pub(super) fn generate(algorithm: Algorithm, kid: Option<&str>) -> Result<Self, TestIssuerProblem> {
        let pkcs8 = pkcs8_for(algorithm)?;
        // jsonwebtoken reads private keys from PEM; for RSA it unwraps the
        // PKCS#1 key its backends sign with from the PKCS#8 document.
        let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8));
        let failed = |_| TestIssuerProblem::KeyGeneration;
        let private = match algorithm {
            Algorithm::EdDSA => EncodingKey::from_ed_pem(pem.as_bytes()),
            Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(pem.as_bytes()),
            _ => EncodingKey::from_rsa_pem(pem.as_bytes()),
        }
        .map_err(failed)?;
        let mut public = Jwk::from_encoding_key(&private, algorithm).map_err(failed)?;
        public.common.public_key_use = Some(PublicKeyUse::Signature);
        public.common.key_id = Some(match kid {
            Some(kid) => kid.to_owned(),
            None => public.thumbprint(ThumbprintHash::SHA256).map_err(failed)?,
        });
        Ok(Self {
            algorithm,
            private,
            public,
        })
    }

    /// The algorithm the key signs with.
    pub(super) fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The key id published with the public key.
    pub(super) fn kid(&self) -> &str {
        self.public.common.key_id.as_deref().unwrap_or_default()
    }

    /// The private key, for jsonwebtoken.
    pub(super) fn private(&self) -> &EncodingKey {
        &self.private
    }

    /// The public key as a JWK naming its `kid`, `alg` and `use: sig`.
    pub(super) fn public_jwk(&self) -> &Jwk {
        &self.public
    }

    /// The public key as the validator uses it.
    pub(super) fn verification_key(&self) -> Result<VerificationKey, TestIssuerProblem> {
        VerificationKey::from_jwk(&self.public).map_err(|_| TestIssuerProblem::KeyGeneration)
    }
}

/// A new private key for `algorithm`, as a PKCS#8 v1 document.
fn pkcs8_for(algorithm: Algorithm) -> Result<Vec<u8>, TestIssuerProblem> {
    let document = match algorithm {
        Algorithm::EdDSA => Ed25519KeyPair::generate()
            .and_then(|pair| pair.to_pkcs8v1())
            .map(|document| document.as_ref().to_vec()),
        Algorithm::ES256 => EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
            .and_then(|pair| pair.to_pkcs8v1())
            .map(|document| document.as_ref().to_vec()),
        Algorithm::ES384 => EcdsaKeyPair::generate(&ECDSA_P384_SHA384_FIXED_SIGNING)
            .and_then(|pair| pair.to_pkcs8v1())
            .map(|document| document.as_ref().to_vec()),
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => RsaKeyPair::generate(KeySize::Rsa2048)
            .and_then(|pair| pair.as_der())
            .map(|document| document.as_ref().to_vec()),
        _ => return Err(TestIssuerProblem::UnsupportedAlgorithm { algorithm }),
    };
    document.map_err(|_| TestIssuerProblem::KeyGeneration)
}

impl fmt::Debug for SigningKey {
    /// Shows the algorithm and `kid`, never the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid())
            .finish_non_exhaustive()
    }
}
