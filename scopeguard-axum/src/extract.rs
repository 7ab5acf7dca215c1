//! The extractors: [`Scoped`], and [`Principal`] (with `Option<Principal>`
//! for optional authentication).

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use scopeguard_core::NamedRequirement;
use scopeguard_core::request::{admit, admit_caller, admit_optional};
use scopeguard_core::validation::claims::FromPrincipal;

use crate::AuthRejection;
use crate::context::AxumRequest;

scopeguard_core::extractor_types! {
    /// Extracts the caller after checking the requirement `R`, with typed claims
    /// `C` (the standard [`Claims`](crate::Claims) by default).
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
    scoped;
    /// The authenticated caller, with typed claims `C` (the standard [`Claims`](crate::Claims)
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
    principal;
}

impl<R, C, S> FromRequestParts<S> for Scoped<R, C>
where
    R: NamedRequirement,
    C: FromPrincipal,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::admitted(admit(&mut AxumRequest(parts), R::requirement())?))
    }
}

impl<C: FromPrincipal, S: Send + Sync> FromRequestParts<S> for Principal<C> {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::admitted(admit_caller(&AxumRequest(parts))?))
    }
}

impl<C: FromPrincipal, S: Send + Sync> OptionalFromRequestParts<S> for Principal<C> {
    type Rejection = AuthRejection;

    /// `None` without credentials; still 500 when the authentication layer
    /// is missing, and 401 when the claims do not fit `C`.
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(admit_optional(&AxumRequest(parts))?.map(Self::admitted))
    }
}
