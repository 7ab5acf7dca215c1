//! The middleware: [`AuthMiddleware`] and [`RequireScope`].

mod auth;
mod require_scope;

pub use auth::{AuthMiddleware, AuthenticationMiddleware};
pub use require_scope::{RequireScope, RequireScopeMiddleware};

mod future;

pub use future::ResponseFuture;

use actix_web::dev::{Service, ServiceRequest, ServiceResponse};

use scopeguard_core::request::Denial;

/// Calls the inner service, with its body on the left.
fn forward<S, B>(service: &S, request: ServiceRequest) -> ResponseFuture<S::Future, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    ResponseFuture::inner(service.call(request))
}

/// Answers the request with a denial (logged and rendered), on the right.
fn deny<F, B>(request: ServiceRequest, denial: &Denial) -> ResponseFuture<F, B> {
    let response = request
        .into_response(crate::response::http_response(denial.deny()))
        .map_into_right_body();
    ResponseFuture::ready(response)
}
