//! The core of scopeguard: OAuth 2.0 scopes for resource servers.
//!
//! - [`Scope`]: a validated scope token (RFC 6749 §3.3).
//! - [`GrantedScopes`]: the scopes a token grants.
//! - [`ScopePolicy`]: when a granted scope covers a required one (hierarchy,
//!   write level, opaque scopes, implications).
//! - [`Requirement`]: what a route requires (`all`, `any`, templates,
//!   step-up), and [`ScopePolicy::check`], the decision.
//!
//! ```
//! use scopeguard_core::{GrantedScopes, Requirement, ScopeDenial, ScopePolicy};
//!
//! let policy = ScopePolicy::default();
//! let granted: GrantedScopes = "order inventory:price".parse().unwrap();
//! let requirement = Requirement::parse("all(order:item, inventory:price.write)").unwrap();
//!
//! assert_eq!(
//!     policy.check(&granted, &requirement, &()),
//!     Err(ScopeDenial::InsufficientScope {
//!         scope: Some("order:item inventory:price.write".into())
//!     }),
//! );
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(all(feature = "jwt", not(any(feature = "aws-lc-rs", feature = "rust-crypto"))))]
compile_error!("the `jwt` feature needs a crypto backend: enable `aws-lc-rs` (the default) or `rust-crypto`");

#[cfg(any(feature = "dpop", feature = "mtls"))]
mod digest;
#[cfg(feature = "token-exchange")]
#[cfg_attr(docsrs, doc(cfg(feature = "token-exchange")))]
pub mod downstream;
#[cfg(feature = "dpop")]
#[cfg_attr(docsrs, doc(cfg(feature = "dpop")))]
pub mod dpop;
pub mod error;
#[cfg(feature = "grpc")]
#[cfg_attr(docsrs, doc(cfg(feature = "grpc")))]
pub mod grpc;
pub mod inventory;
#[cfg(feature = "mtls")]
#[cfg_attr(docsrs, doc(cfg(feature = "mtls")))]
pub mod mtls;
pub mod prelude;
pub mod request;
pub mod scopes;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
pub mod validation;

pub use error::AuthError;
pub use error::challenge::{ChallengeConfig, ErrorBody, ErrorResponse, JsonErrorBody};
pub use request::bearer::{BearerConfig, BearerToken, extract_bearer, extract_bearer_from_values};
pub use scopes::granted::{GrantedScopes, GrantedScopesError};
pub use scopes::policy::decision::ScopeDenial;
pub use scopes::policy::{Matching, PolicyError, PolicyProblem, ScopePolicy, ScopePolicyBuilder};
pub use scopes::requirement::{
    Expr, FillError, NamedRequirement, PathParams, Requirement, RequirementError, RequirementErrorKind,
    ScopeTemplate, StepUp, TemplateError,
};
pub use scopes::scope::{Scope, ScopeError};
pub use validation::TokenValidator;
#[cfg(feature = "introspection")]
pub use validation::introspection::{IntrospectionJwtValidator, IntrospectionValidator, JwtOrIntrospection};
#[cfg(feature = "jwt")]
pub use validation::jwt::JwtValidator;
#[cfg(feature = "jwt")]
pub use validation::jwt::{DEFAULT_TOKEN_CACHE_BYTES, TokenCacheConfig};
pub use validation::principal::{Principal, PrincipalBuilder};
