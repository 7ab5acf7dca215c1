//! The configuration of a test issuer.

use jsonwebtoken::Algorithm;

use super::issuer::TestIssuer;
use super::signing_key::SigningKey;
use super::{DEFAULT_AUDIENCE, DEFAULT_ISSUER, TestIssuerError, TestIssuerProblem};

/// Builds a [`TestIssuer`], reporting every configuration problem at once.
///
/// Defaults: the issuer [`DEFAULT_ISSUER`], the audience
/// [`DEFAULT_AUDIENCE`], EdDSA (Ed25519), and the key's RFC 7638 thumbprint
/// as its `kid`.
///
/// ```
/// use scopeguard_core::validation::jwt::Algorithm;
/// use scopeguard_core::test_util::TestIssuer;
///
/// let issuer = TestIssuer::builder()
///     .issuer("https://login.example.test/realms/shop")
///     .audience("orders-api")
///     .algorithm(Algorithm::ES256)
///     .kid("signing-1")
///     .build()
///     .unwrap();
/// assert_eq!(issuer.kid(), "signing-1");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct TestIssuerBuilder {
    issuer: String,
    audience: String,
    algorithm: Algorithm,
    kid: Option<String>,
}

impl Default for TestIssuerBuilder {
    fn default() -> Self {
        Self {
            issuer: DEFAULT_ISSUER.to_owned(),
            audience: DEFAULT_AUDIENCE.to_owned(),
            algorithm: Algorithm::EdDSA,
            kid: None,
        }
    }
}

impl TestIssuerBuilder {
    /// Sets the issuer: the `iss` of the tokens, and the issuer the
    /// validator accepts.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = issuer.into();
        self
    }

    /// Sets the audience: the `aud` of the tokens, and the audience the
    /// validator requires.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = audience.into();
        self
    }

    /// Sets the signing algorithm: EdDSA (the default, Ed25519), ES256
    /// (P-256), ES384 (P-384), or RS256/384/512 and PS256/384/512 (RSA 2048).
    /// HMAC algorithms are refused: a test issuer publishes its public key.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Sets the `kid` of the key (default: its RFC 7638 thumbprint).
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Checks the configuration and generates the signing key.
    ///
    /// Like [`JwtValidatorBuilder::build`](crate::validation::jwt::JwtValidatorBuilder::build),
    /// it first installs scopeguard's crypto backend as jsonwebtoken's
    /// process-wide provider when none is installed yet (see
    /// [`install_crypto_provider`](crate::validation::jwt::install_crypto_provider)):
    /// minting a token signs with it.
    pub fn build(self) -> Result<TestIssuer, TestIssuerError> {
        let mut problems = Vec::new();
        if self.issuer.is_empty() {
            problems.push(TestIssuerProblem::EmptyIssuer);
        }
        if self.audience.is_empty() {
            problems.push(TestIssuerProblem::EmptyAudience);
        }
        if self.kid.as_deref() == Some("") {
            problems.push(TestIssuerProblem::EmptyKid);
        }
        if matches!(
            self.algorithm,
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
        ) {
            problems.push(TestIssuerProblem::UnsupportedAlgorithm {
                algorithm: self.algorithm,
            });
        }
        if !problems.is_empty() {
            return Err(TestIssuerError::new(problems));
        }

        crate::validation::jwt::install_crypto_provider();
        let key = SigningKey::generate(self.algorithm, self.kid.as_deref())
            .map_err(|problem| TestIssuerError::new(vec![problem]))?;
        TestIssuer::from_parts(self.issuer, self.audience, key)
            .map_err(|problem| TestIssuerError::new(vec![problem]))
    }
}
