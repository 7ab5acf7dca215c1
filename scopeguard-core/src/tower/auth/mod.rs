//! The authentication middleware.

mod layer;
mod service;

pub use layer::AuthLayer;
pub use service::AuthService;

/// Whether `request` is a CORS preflight: `OPTIONS` with
/// `Access-Control-Request-Method`.
fn is_cors_preflight<B>(request: &http::Request<B>) -> bool {
    request.method() == http::Method::OPTIONS
        && request
            .headers()
            .contains_key(http::header::ACCESS_CONTROL_REQUEST_METHOD)
}
