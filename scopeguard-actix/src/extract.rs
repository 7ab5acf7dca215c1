//! The extractors: [`Scoped`], [`Principal`] and [`MaybePrincipal`].

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use scopeguard_core::NamedRequirement;
use scopeguard_core::request::{admit, admit_caller, admit_optional};
use scopeguard_core::validation::claims::{Claims, FromPrincipal};

use crate::AuthRejection;
use crate::context::ActixRequest;

scopeguard_core::extractor_types! {
    /// Extracts the caller after checking the requirement `R`, with typed claims
    /// `C` (the standard [`Claims`] by default).
    ///
    /// `R` names a requirement declared with [`scope!`](crate::scope!). Put
    /// `Scoped<R>` first among the handler's extractors.
    ///
    /// ```
    /// use actix_web::web;
    /// use scopeguard_actix::{Scoped, scope};
    ///
    /// scope!(pub PriceWrite = "inventory:price.write");
    ///
    /// async fn set_price(scoped: Scoped<PriceWrite>, price: web::Json<u64>) -> String {
    ///     format!("{} set the price to {}", scoped.claims.sub().unwrap_or("someone"), price.into_inner())
    /// }
    /// ```
    scoped;
    /// The authenticated caller, with typed claims `C` (the standard [`Claims`]
    /// by default). Derefs to the token's [`scopeguard_core::Principal`].
    ///
    /// Without a token the request is answered 401. For optional
    /// authentication use [`MaybePrincipal`], not `Option<Principal>`: actix's
    /// `Option` extractor turns *every* error into `None`, a missing
    /// authentication middleware and claims that do not fit `C` included.
    ///
    /// ```
    /// use scopeguard_actix::Principal;
    ///
    /// async fn me(principal: Principal) -> String {
    ///     principal.sub().unwrap_or("anonymous").to_owned()
    /// }
    /// ```
    principal;
}

impl<R: NamedRequirement, C: FromPrincipal> FromRequest for Scoped<R, C> {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let admitted = admit(&mut ActixRequest::new(request), R::requirement());
        ready(admitted.map(Self::admitted).map_err(AuthRejection::from))
    }
}

impl<C: FromPrincipal> FromRequest for Principal<C> {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let admitted = admit_caller(&ActixRequest::new(request));
        ready(admitted.map(Self::admitted).map_err(AuthRejection::from))
    }
}

/// The caller if the request carried a valid token, `None` if it carried
/// none: optional authentication that still fails closed.
///
/// Unlike `Option<Principal>` (whose actix implementation swallows every
/// error), a missing authentication middleware is still a 500 and claims
/// that do not fit `C` are still a 401. An invalid token never reaches the
/// handler: the authentication middleware has answered it already.
///
/// ```
/// use scopeguard_actix::MaybePrincipal;
///
/// async fn greeting(MaybePrincipal(caller): MaybePrincipal) -> String {
///     match caller {
///         Some(principal) => format!("hello {}", principal.sub().unwrap_or("client")),
///         None => "hello stranger".to_owned(),
///     }
/// }
/// ```
#[derive(Debug)]
pub struct MaybePrincipal<C = Claims>(pub Option<Principal<C>>);

impl<C: FromPrincipal> FromRequest for MaybePrincipal<C> {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let admitted = admit_optional(&ActixRequest::new(request));
        ready(
            admitted
                .map_err(AuthRejection::from)
                .map(|caller| Self(caller.map(Principal::admitted))),
        )
    }
}
