//! The in-memory issuer: a signing key, the tokens it mints, and the
//! validator that trusts it.

use std::fmt;
use std::sync::Arc;

use jsonwebtoken::Algorithm;
use jsonwebtoken::jwk::Jwk;

use super::signing_key::SigningKey;
use super::{TestIssuerBuilder, TestIssuerProblem, TokenBuilder};
use crate::validation::jwt::{JwtValidator, JwtValidatorBuilder};
use crate::validation::keys::{KeySet, StaticKeys};

/// An authorization server in memory, for tests and local development.
///
/// It generates its signing key when built, mints access tokens with
/// [`token`](Self::token), and hands out a [`JwtValidator`] that trusts it
/// with no network ([`validator`](Self::validator)). It can also publish its
/// key set and metadata ([`jwks_json`](Self::jwks_json),
/// [`discovery_json`](Self::discovery_json)) for a server that fetches keys
/// over HTTP.
///
/// Every issuer has its own key: a token of one issuer never verifies with
/// another's keys. Cloning is cheap and shares the key.
///
/// ```
/// use std::time::Duration;
///
/// use scopeguard_core::Requirement;
/// use scopeguard_core::test_util::TestIssuer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let issuer = TestIssuer::new();
/// let validator = issuer.validator();
///
/// let token = issuer.token().sub("alice").scopes("order inventory:price").sign();
/// let principal = validator.validate(&token).await?;
/// assert_eq!(principal.sub(), Some("alice"));
/// principal.check(&Requirement::parse("order:item")?, &())?;
/// assert!(principal.check(&Requirement::parse("inventory:price.write")?, &()).is_err());
///
/// let expired = issuer.token().scopes("order").expired().sign();
/// assert_eq!(validator.validate(&expired).await.unwrap_err().label(), "expired");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct TestIssuer {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    audience: String,
    key: SigningKey,
    keys: StaticKeys,
}

impl TestIssuer {
    /// An issuer with the defaults of [`TestIssuerBuilder`]: the issuer
    /// [`DEFAULT_ISSUER`](super::DEFAULT_ISSUER), the audience
    /// [`DEFAULT_AUDIENCE`](super::DEFAULT_AUDIENCE), and a new Ed25519 key.
    ///
    /// # Panics
    ///
    /// When the system cannot generate a key (its random source fails).
    pub fn new() -> Self {
        Self::builder()
            .build()
            .expect("the system generates an Ed25519 key")
    }

    /// A builder to choose the issuer, audience, algorithm and `kid`.
    pub fn builder() -> TestIssuerBuilder {
        TestIssuerBuilder::default()
    }

    pub(super) fn from_parts(
        issuer: String,
        audience: String,
        key: SigningKey,
    ) -> Result<Self, TestIssuerProblem> {
        let keys = StaticKeys::new(KeySet::new([key.verification_key()?]));
        Ok(Self {
            inner: Arc::new(Inner {
                issuer,
                audience,
                key,
                keys,
            }),
        })
    }

    /// The issuer (`iss`).
    pub fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// The audience tokens are minted for (`aud`).
    pub fn audience(&self) -> &str {
        &self.inner.audience
    }

    /// The algorithm tokens are signed with.
    pub fn algorithm(&self) -> Algorithm {
        self.inner.key.algorithm()
    }

    /// The `kid` of the signing key.
    pub fn kid(&self) -> &str {
        self.inner.key.kid()
    }

    /// The public key as a JWK, with its `kid`, `alg` and `use: sig`.
    pub fn public_jwk(&self) -> &Jwk {
        self.inner.key.public_jwk()
    }

    /// The private key, for signing.
    pub(super) fn signing_key(&self) -> &jsonwebtoken::EncodingKey {
        self.inner.key.private()
    }

    /// The public key as a key source, for a validator configured by hand.
    pub fn keys(&self) -> StaticKeys {
        self.inner.keys.clone()
    }

    /// A new token: valid for five minutes from now, `typ` `at+jwt`, with
    /// the claims of [`TokenBuilder`]'s defaults.
    pub fn token(&self) -> TokenBuilder {
        TokenBuilder::new(self.clone())
    }

    /// A validator builder that trusts this issuer, and only it: its issuer,
    /// its key (no network), its audience, and its algorithm. The other
    /// settings are the defaults of [`JwtValidatorBuilder`], to be changed
    /// as in production (policy, scope claims, type check, leeway, ...).
    ///
    /// ```
    /// use scopeguard_core::ScopePolicy;
    /// use scopeguard_core::validation::jwt::TypeCheck;
    /// use scopeguard_core::test_util::TestIssuer;
    ///
    /// let issuer = TestIssuer::new();
    /// let validator = issuer
    ///     .validator_builder()
    ///     .type_check(TypeCheck::AccessTokenOnly)
    ///     .policy(ScopePolicy::builder().implies("admin:write", ["user:write"]).build().unwrap())
    ///     .build()
    ///     .unwrap();
    /// # let _ = validator;
    /// ```
    pub fn validator_builder(&self) -> JwtValidatorBuilder {
        JwtValidator::builder()
            .issuer(self.issuer(), self.keys())
            .audience(self.audience())
            .algorithms([self.algorithm()])
    }

    /// A validator that trusts this issuer, with the defaults of
    /// [`validator_builder`](Self::validator_builder).
    ///
    /// # Panics
    ///
    /// Never: the issuer and audience were checked when the issuer was
    /// built.
    pub fn validator(&self) -> JwtValidator {
        self.validator_builder()
            .build()
            .expect("a test issuer's issuer and audience are valid")
    }
}

impl Default for TestIssuer {
    /// See [`TestIssuer::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for TestIssuer {
    /// Shows the issuer, audience, algorithm and `kid`, never the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestIssuer")
            .field("issuer", &self.inner.issuer)
            .field("audience", &self.inner.audience)
            .field("key", &self.inner.key)
            .finish()
    }
}
