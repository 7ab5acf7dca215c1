//! The [`Principal`] extractor, and `Option<Principal>` for optional
//! authentication.

use std::fmt;
use std::ops::Deref;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use scopeguard_core::request::{admit_caller, admit_optional};
use scopeguard_core::validation::claims::{Claims, FromPrincipal};

use crate::AuthRejection;
use crate::context::AxumRequest;

/// The authenticated caller, with typed claims `C` (the standard [`Claims`]
/// by default). Derefs to the token's
/// [`scopeguard_core::Principal`].
///
/// Without a token the request is answered 401; use `Option<Principal>` for
/// routes where authentication is optional.
///
/// ```
/// use axum::{Router, routing::get};
/// use scopeguard_axum::Principal;
///
/// async fn me(principal: Principal) -> String {
///     principal.sub().unwrap_or("anonymous").to_owned()
/// }
///
/// async fn greeting(principal: Option<Principal>) -> &'static str {
///     if principal.is_some() { "welcome back" } else { "hello" }
/// }
///
/// let app: Router = Router::new().route("/me", get(me)).route("/", get(greeting));
/// ```
pub struct Principal<C = Claims> {
    /// The caller's claims.
    pub claims: C,
    principal: scopeguard_core::Principal,
}

impl<C> Principal<C> {
    /// The claims, taken out.
    pub fn into_claims(self) -> C {
        self.claims
    }
}

impl<C> Deref for Principal<C> {
    type Target = scopeguard_core::Principal;

    fn deref(&self) -> &scopeguard_core::Principal {
        &self.principal
    }
}

impl<C: fmt::Debug> fmt::Debug for Principal<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Principal")
            .field("claims", &self.claims)
            .field("principal", &self.principal)
            .finish()
    }
}

impl<C: FromPrincipal, S: Send + Sync> FromRequestParts<S> for Principal<C> {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let (principal, claims) = admit_caller(&AxumRequest(parts))?;
        Ok(Self { claims, principal })
    }
}

impl<C: FromPrincipal, S: Send + Sync> OptionalFromRequestParts<S> for Principal<C> {
    type Rejection = AuthRejection;

    /// `None` without credentials; still 500 when the authentication layer
    /// is missing, and 401 when the claims do not fit `C`.
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Self::Rejection> {
        let caller = admit_optional(&AxumRequest(parts))?;
        Ok(caller.map(|(principal, claims)| Self { claims, principal }))
    }
}
