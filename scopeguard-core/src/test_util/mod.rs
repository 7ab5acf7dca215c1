//! Testing support (SPEC §8): an in-memory issuer that mints signed access
//! tokens and plugs into the validator with no network.
//!
//! With the `test-util` feature (usually in `[dev-dependencies]`), a
//! [`TestIssuer`] generates a signing key, mints tokens with the scopes and
//! claims a test chooses, and gives the [`JwtValidator`](crate::JwtValidator)
//! that trusts it: the token goes through every check of a production
//! validator (signature, `exp`, `aud`, `typ`, scope grammar), so a test of a
//! handler's scope rules exercises the real decision. The adapters re-export
//! this module (`scopeguard_axum::test_util`, `scopeguard_actix::test_util`)
//! with examples for their framework.
//!
//! ```toml
//! [dev-dependencies]
//! scopeguard-core = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! ```
//! use std::time::Duration;
//!
//! use scopeguard_core::test_util::TestIssuer;
//! use scopeguard_core::{AuthError, Requirement};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let issuer = TestIssuer::new();
//! let validator = issuer.validator();
//! let payment = Requirement::parse("payment.write")?.with_max_age(300);
//!
//! // Scope granted, signed in a minute ago: allowed.
//! let token = issuer.token().scopes("payment.write").authenticated_ago(Duration::from_secs(60)).sign();
//! validator.validate(&token).await?.check(&payment, &())?;
//!
//! // Signed in an hour ago: step-up needed.
//! let token = issuer.token().scopes("payment.write").authenticated_ago(Duration::from_secs(3600)).sign();
//! let denial = validator.validate(&token).await?.check(&payment, &()).unwrap_err();
//! assert!(matches!(denial, AuthError::StepUpRequired(_)));
//! # Ok(())
//! # }
//! ```
//!
//! The same issuer can stand in for an authorization server in local
//! development: serve [`TestIssuer::jwks_json`] and
//! [`TestIssuer::discovery_json`] on loopback, and point a validator with
//! remote keys at it.
//!
//! With the `token-exchange` feature the issuer is also a token endpoint
//! that answers RFC 8693 exchanges in memory, downscoping only
//! ([`TestIssuer::answer_token_request`]); a
//! [`TokenExchanger`](crate::downstream::TokenExchanger) built with
//! [`TestIssuer::exchanger_builder`] exchanges at it with no network, and a
//! development server can serve it over HTTP with
//! [`TestIssuer::answer_token_request_body`].
//!
//! Keys are generated with aws-lc-rs, which this feature pulls in whichever
//! crypto backend verifies tokens; signing goes through jsonwebtoken and its
//! configured backend.

mod builder;
#[cfg(feature = "mtls")]
mod certificate;
mod documents;
#[cfg(feature = "dpop")]
mod dpop_proof;
mod issuer;
mod signing_key;
mod test_issuer_error;
mod token;
#[cfg(feature = "token-exchange")]
mod token_exchange;

pub use builder::TestIssuerBuilder;
#[cfg(feature = "mtls")]
pub use certificate::TestCertificate;
#[cfg(feature = "dpop")]
pub use dpop_proof::{DpopKey, DpopProofBuilder};
pub use issuer::TestIssuer;
pub use test_issuer_error::{TestIssuerError, TestIssuerProblem};
pub use token::{DEFAULT_CLIENT_ID, DEFAULT_SUBJECT, DEFAULT_TOKEN_LIFETIME, TokenBuilder};

/// The issuer of a [`TestIssuer`] unless set: `https://issuer.test`.
pub const DEFAULT_ISSUER: &str = "https://issuer.test";

/// The audience of a [`TestIssuer`] unless set: `https://api.test`.
pub const DEFAULT_AUDIENCE: &str = "https://api.test";
