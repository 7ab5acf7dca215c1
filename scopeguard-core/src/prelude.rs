//! The items most programs name, re-exported by both adapters at their
//! root (`scopeguard_axum::*`, `scopeguard_actix::*`), so the two lists
//! cannot drift apart.
//!
//! ```
//! use scopeguard_core::prelude::*;
//!
//! let policy = ScopePolicy::default();
//! let granted: GrantedScopes = "order".parse().unwrap();
//! assert!(policy.check(&granted, &Requirement::parse("order:item").unwrap(), &()).is_ok());
//! ```

#[cfg(feature = "jwt")]
pub use crate::JwtValidator;
pub use crate::request::Authenticator;
pub use crate::validation::claims::{Claims, FromPrincipal};
pub use crate::{
    AuthError, BearerConfig, ChallengeConfig, ErrorBody, ErrorResponse, GrantedScopes, NamedRequirement,
    Requirement, Scope, ScopePolicy, TokenValidator, scope,
};
#[cfg(feature = "introspection")]
pub use crate::{IntrospectionValidator, JwtOrIntrospection};
