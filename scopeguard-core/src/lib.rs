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

pub mod bearer;
pub mod catalogue;
pub mod challenge;
pub mod claims;
pub mod decision;
pub mod error;
pub mod granted;
#[cfg(feature = "introspection")]
#[cfg_attr(docsrs, doc(cfg(feature = "introspection")))]
pub mod introspection;
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub mod jwt;
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub mod keys;
pub mod metadata;
#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
pub mod openapi;
pub mod policy;
pub mod prelude;
pub mod principal;
pub mod registry;
pub mod renderer;
pub mod request;
pub mod requirement;
pub mod scope;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
#[cfg(feature = "jwt")]
mod token_cache;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
pub mod usage;
pub mod validator;

pub use bearer::{BearerConfig, BearerToken, extract_bearer, extract_bearer_from_values};
pub use challenge::{ChallengeConfig, ErrorBody, ErrorResponse, JsonErrorBody};
pub use decision::ScopeDenial;
pub use error::AuthError;
pub use granted::{GrantedScopes, GrantedScopesError};
#[cfg(feature = "introspection")]
pub use introspection::{IntrospectionValidator, JwtOrIntrospection};
#[cfg(feature = "jwt")]
pub use jwt::JwtValidator;
pub use policy::{Matching, PolicyError, PolicyProblem, ScopePolicy, ScopePolicyBuilder};
pub use principal::{Principal, PrincipalBuilder};
pub use requirement::{
    Expr, FillError, NamedRequirement, PathParams, Requirement, RequirementError, RequirementErrorKind,
    ScopeTemplate, StepUp, TemplateError,
};
pub use scope::{Scope, ScopeError};
#[cfg(feature = "jwt")]
pub use token_cache::{DEFAULT_TOKEN_CACHE_BYTES, TokenCacheConfig};
pub use validator::TokenValidator;
