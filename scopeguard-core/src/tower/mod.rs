//! Tower middleware: [`AuthLayer`] and [`RequireScope`] (SPEC §5).
//!
//! - [`AuthLayer`] validates a present bearer token and puts the
//!   [`Principal`](crate::Principal) into the request's extensions. An
//!   invalid token is answered at once (400/401/503); a request without a
//!   token passes on with no principal, so public routes can share the stack.
//! - [`RequireScope`] answers 401 when there is no principal, 403 when the
//!   token lacks the required scopes, 401 when step-up authentication is
//!   needed, and otherwise calls the inner service. Placed where no
//!   [`AuthLayer`] runs before it, it answers 500 and logs an error: a
//!   missing authentication layer is never an allow.
//!
//! Both work for any `tower::Service<http::Request<B>>` (axum, tonic, hyper).
//! With the `grpc` feature, a denial of a gRPC call (a `content-type`
//! starting with `application/grpc`) is a gRPC answer instead (SPEC §5,
//! see [`grpc`](crate::grpc)).
//!
//! ## Template scopes outside axum
//!
//! A template requirement (`transaction-{tx}`) is filled from the request's
//! path parameters. The axum adapter reads axum's matched route. A plain
//! tower stack has no router, so by default [`RequireScope`] reads a
//! [`RouteParams`] extension: insert one, with **percent-decoded** values,
//! in your router or in a layer before `RequireScope` (or implement
//! [`PathParamsSource`] and pass it to [`RequireScope::with_path_params`]).
//! Without the parameter the check answers 500 and logs an error: a
//! template that cannot be filled is never an allow.
//!
//! ```
//! use scopeguard_core::tower::RouteParams;
//!
//! let mut request = http::Request::new(());
//! request.extensions_mut().insert(RouteParams::from([("tx", "42")]));
//! ```
//!
//! ```
//! use std::convert::Infallible;
//!
//! use http::{Request, Response, StatusCode};
//! use scopeguard_core::tower::{AuthLayer, RequireScope};
//! use scopeguard_core::{AuthError, Principal, TokenValidator, error::InvalidToken};
//! use tower::{ServiceBuilder, ServiceExt};
//!
//! struct OneToken;
//! impl TokenValidator for OneToken {
//!     async fn validate(&self, token: &str) -> Result<Principal, AuthError> {
//!         match token {
//!             "reader" => Ok(Principal::builder().scopes("order".parse().unwrap()).build()),
//!             _ => Err(InvalidToken::Malformed.into()),
//!         }
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let service = ServiceBuilder::new()
//!     .layer(AuthLayer::new(OneToken))
//!     .layer(RequireScope::new("order:item"))
//!     .service_fn(|_: Request<String>| async { Ok::<_, Infallible>(Response::new(b"items".to_vec())) });
//!
//! let request = Request::get("/orders/1/items").header("authorization", "Bearer reader").body(String::new()).unwrap();
//! let response = service.clone().oneshot(request).await.unwrap();
//! assert_eq!(response.status(), StatusCode::OK);
//!
//! let anonymous = Request::get("/orders/1/items").body(String::new()).unwrap();
//! assert_eq!(service.oneshot(anonymous).await.unwrap().status(), StatusCode::UNAUTHORIZED);
//! # });
//! ```

mod auth;
mod denial_response;
mod future;
mod path_params;
mod require_scope;

pub use auth::{AuthLayer, AuthService, ExtensionReaders};
pub(crate) use denial_response::denial_response;
pub use future::ResponseFuture;
pub use path_params::{PathParamsSource, RouteParams, RouteParamsExtension};
pub use require_scope::{RequireScope, RequireScopeService};
