//! The middleware: [`AuthMiddleware`] and [`RequireScope`].

mod auth;
mod require_scope;

pub use auth::{AuthMiddleware, AuthenticationMiddleware};
pub use require_scope::{RequireScope, RequireScopeMiddleware};

use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use std::future::Future;
use std::pin::Pin;

use scopeguard_core::request::Denial;

/// The response future of the middleware services.
pub type ResponseFuture<B> =
    Pin<Box<dyn Future<Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>>>>;

/// Calls the inner service, with its body on the left.
fn forward<S, B>(service: &S, request: ServiceRequest) -> ResponseFuture<B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: 'static,
{
    let response = service.call(request);
    Box::pin(async move { response.await.map(ServiceResponse::map_into_left_body) })
}

/// Answers the request with a denial (logged and rendered), on the right.
fn deny<B>(request: ServiceRequest, denial: &Denial) -> ResponseFuture<B>
where
    B: 'static,
{
    let response = request
        .into_response(crate::response::http_response(denial.deny()))
        .map_into_right_body();
    Box::pin(std::future::ready(Ok(response)))
}
