//! Typed claims for extractors: [`FromPrincipal`] and the default, [`Claims`].
//!
//! ```
//! use scopeguard_core::validation::claims::{Claims, FromPrincipal};
//! use scopeguard_core::Principal;
//!
//! #[derive(serde::Deserialize)]
//! struct Tenant {
//!     tenant: String,
//! }
//!
//! let principal = Principal::builder()
//!     .sub("alice")
//!     .claims(serde_json::json!({"sub": "alice", "tenant": "acme"}).as_object().unwrap().clone())
//!     .build();
//! assert_eq!(Claims::from_principal(&principal).unwrap().sub(), Some("alice"));
//! assert_eq!(Tenant::from_principal(&principal).unwrap().tenant, "acme");
//! ```

use std::ops::Deref;

use serde::de::DeserializeOwned;

use crate::Principal;
use crate::error::{AuthError, InvalidToken};

/// Claims an extractor can hand to a handler.
///
/// Implemented for [`Claims`] (the standard claims, at no cost) and for every
/// `DeserializeOwned` type (read from the token's claims; a token whose
/// claims do not fit is invalid, 401).
pub trait FromPrincipal: Sized {
    /// The claims of `principal`.
    fn from_principal(principal: &Principal) -> Result<Self, AuthError>;
}

impl<C: DeserializeOwned> FromPrincipal for C {
    fn from_principal(principal: &Principal) -> Result<Self, AuthError> {
        principal.claims().map_err(|_| {
            tracing::info!(
                reason = "invalid_claim",
                "token claims do not fit the handler's claims type"
            );
            AuthError::InvalidToken(InvalidToken::InvalidClaim)
        })
    }
}

/// The standard claims (`sub`, `client_id`, `iss`, `aud`, `exp`, `iat`,
/// `auth_time`, `acr`, scopes): a view of the [`Principal`], with its
/// accessors through `Deref`.
#[derive(Debug, Clone)]
pub struct Claims(Principal);

impl FromPrincipal for Claims {
    fn from_principal(principal: &Principal) -> Result<Self, AuthError> {
        Ok(Self(principal.clone()))
    }
}

impl Deref for Claims {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.0
    }
}
