//! The [`Scoped`] extractor.

use std::fmt;
use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use http::request::Parts;
use scopeguard_core::request::admit;
use scopeguard_core::validation::claims::{Claims, FromPrincipal};
use scopeguard_core::{NamedRequirement, Principal};

use crate::AuthRejection;
use crate::context::AxumRequest;

/// Extracts the caller after checking the requirement `R`, with typed claims
/// `C` (the standard [`Claims`] by default).
///
/// `R` names a requirement declared with [`scope!`](crate::scope!). Put
/// `Scoped<R>` first among the handler's extractors: it then answers 401/403
/// before a body extractor can answer 422.
///
/// ```
/// use axum::{Json, Router, routing::put};
/// use scopeguard_axum::{Scoped, scope};
///
/// scope!(pub PriceWrite = "inventory:price.write");
///
/// async fn set_price(scoped: Scoped<PriceWrite>, Json(price): Json<u64>) -> String {
///     format!("{} set the price to {price}", scoped.claims.sub().unwrap_or("someone"))
/// }
///
/// let app: Router = Router::new().route("/inventory/{id}/price", put(set_price));
/// ```
pub struct Scoped<R, C = Claims> {
    /// The caller's claims.
    pub claims: C,
    principal: Principal,
    requirement: PhantomData<fn() -> R>,
}

impl<R, C> Scoped<R, C> {
    /// The validated token's principal.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The claims, taken out.
    pub fn into_claims(self) -> C {
        self.claims
    }
}

impl<R, C: fmt::Debug> fmt::Debug for Scoped<R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scoped")
            .field("requirement", &std::any::type_name::<R>())
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

impl<R, C, S> FromRequestParts<S> for Scoped<R, C>
where
    R: NamedRequirement,
    C: FromPrincipal,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let (principal, claims) = admit(&mut AxumRequest(parts), R::requirement())?;
        Ok(Self {
            claims,
            principal,
            requirement: PhantomData,
        })
    }
}
