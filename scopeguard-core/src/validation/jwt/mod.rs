//! JWT access-token validation (RFC 7519, RFC 8725, RFC 9068; SPEC §3.2).
//!
//! A [`JwtValidator`] checks a compact JWS against configured issuers (each
//! with its own [`KeySource`](crate::validation::keys::KeySource)), audiences and an
//! algorithm allowlist, and turns the token into a
//! [`Principal`](crate::Principal). Verified tokens are cached until their
//! `exp` (SPEC §3.4).
//!
//! ```
//! use std::time::{SystemTime, UNIX_EPOCH};
//!
//! use scopeguard_core::Requirement;
//! use scopeguard_core::validation::jwt::{Algorithm, JwtValidator};
//! use scopeguard_core::validation::keys::{KeySet, StaticKeys, VerificationKey};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = b"a shared secret of at least 32 bytes";
//! let validator = JwtValidator::builder()
//!     .issuer(
//!         "https://issuer.example",
//!         StaticKeys::new(KeySet::new([VerificationKey::hmac_secret(secret)])),
//!     )
//!     .audience("orders-api")
//!     .algorithms([Algorithm::HS256])
//!     .build()?;
//!
//! // A token as the issuer would mint it.
//! let exp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() + 300;
//! let claims = serde_json::json!({
//!     "iss": "https://issuer.example",
//!     "aud": "orders-api",
//!     "exp": exp,
//!     "sub": "alice",
//!     "scope": "order inventory",
//! });
//! let token = jsonwebtoken::encode(
//!     &jsonwebtoken::Header::new(Algorithm::HS256),
//!     &claims,
//!     &jsonwebtoken::EncodingKey::from_secret(secret),
//! )?;
//!
//! let principal = validator.validate(&token).await?;
//! assert_eq!(principal.sub(), Some("alice"));
//! principal.check(&Requirement::parse("order:item")?, &())?;
//! # Ok(())
//! # }
//! ```

pub(crate) mod audience;
mod builder;
pub(crate) mod claims_set;
pub(crate) mod expected_values;
mod header;
mod header_memo;
mod jws;
mod jwt_validator;
pub(crate) mod members;
pub(crate) mod registered_claims;
mod scope_claims;
mod token_cache;

use std::time::Duration;

pub use audience::AudienceProblem;
pub use builder::{JwtConfigError, JwtConfigProblem, JwtValidatorBuilder};
pub use header::TypeCheck;
pub use jsonwebtoken::Algorithm;
pub use jws::VerifiedJws;
pub use jwt_validator::JwtValidator;
pub use scope_claims::{DEFAULT_SCOPE_CLAIMS, RoleMapping};
pub use token_cache::{DEFAULT_TOKEN_CACHE_BYTES, TokenCacheConfig};

/// The algorithms accepted by default: every asymmetric algorithm
/// jsonwebtoken verifies. HMAC algorithms must be allowed explicitly.
pub const DEFAULT_ALGORITHMS: [Algorithm; 9] = [
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

/// The default clock leeway for `exp`, `nbf`, `iat` and `auth_time`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// Installs the crypto backend scopeguard was built with as jsonwebtoken's
/// process-wide provider, unless one is installed already.
///
/// jsonwebtoken picks its provider from its own features only when exactly
/// one of `aws_lc_rs` and `rust_crypto` is on. Features are unified across
/// the whole dependency graph, so another crate of the application enabling
/// the other backend leaves jsonwebtoken with both, and its first signature
/// check (or signing) would panic. This installs the backend of scopeguard's
/// features: aws-lc-rs with `aws-lc-rs` (also when `rust-crypto` is on
/// too), the RustCrypto crates with `rust-crypto` alone.
///
/// A provider installed before, by the application or by an earlier call,
/// is kept. The call is idempotent, thread-safe, cheap after the first time
/// (one atomic load), and never panics.
///
/// [`JwtValidatorBuilder::build`] and the test issuer's builder call it, so
/// every [`JwtValidator`] verifies with a provider in place. Call it
/// yourself before using jsonwebtoken directly (for instance to mint tokens
/// in a test) before any validator is built.
pub fn install_crypto_provider() {
    use jsonwebtoken::crypto::CryptoProvider;

    #[cfg(feature = "aws-lc-rs")]
    let (provider, name): (&'static CryptoProvider, _) =
        (&jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER, "aws-lc-rs");
    #[cfg(not(feature = "aws-lc-rs"))]
    let (provider, name): (&'static CryptoProvider, _) = (
        &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER,
        "rust-crypto",
    );

    if CryptoProvider::install_default(provider).is_ok() {
        tracing::debug!(
            backend = name,
            "installed jsonwebtoken's process-wide crypto provider"
        );
    }
}
