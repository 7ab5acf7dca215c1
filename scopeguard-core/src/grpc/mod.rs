//! gRPC (SPEC §5): the tower layers protect tonic services, and answer
//! gRPC calls the way gRPC clients read them.
//!
//! With this feature, [`AuthLayer`](crate::tower::AuthLayer),
//! [`RequireScope`](crate::tower::RequireScope) and [`MethodScopes`] answer
//! a denied request whose `content-type` starts with `application/grpc` with
//! a gRPC Trailers-Only answer ([`GrpcDenial`]): HTTP 200, `content-type:
//! application/grpc`, `grpc-status`, `grpc-message` (the percent-encoded
//! `error_description`) and the SPEC §4 challenge as `www-authenticate`
//! metadata. Other requests keep their HTTP answers, so the metadata
//! document and other HTTP routes can share the server.
//!
//! | HTTP answer (SPEC §4) | `grpc-status` |
//! | --- | --- |
//! | 400 `invalid_request` | 3 `INVALID_ARGUMENT` |
//! | 401 (no token, `invalid_token`, step-up) | 16 `UNAUTHENTICATED` |
//! | 403 `insufficient_scope` | 7 `PERMISSION_DENIED` |
//! | 500 (no authentication layer, ...) | 13 `INTERNAL` |
//! | 503 `temporarily_unavailable` | 14 `UNAVAILABLE` (and `retry-after` metadata) |
//!
//! Requirements attach per method: a [`RequireScope`](crate::tower::RequireScope)
//! on a method's route, or a [`MethodScopes`] map from
//! `/package.Service/Method` to requirement, which denies the methods it
//! does not name unless told otherwise ([`UnknownMethods`]).
//!
//! The layers need a response body made from bytes (`From<Vec<u8>>`): put
//! them on the `axum::Router` of tonic's `Routes`
//! (`Routes::into_axum_router`, then `Routes::from(router)`), as the
//! examples do.
//!
//! With the `tonic` feature: [`RequestPrincipal`] (the caller of a
//! `tonic::Request`), [`denial_status`] (a denial as a `tonic::Status`),
//! `#[requires_scope_tonic]` on service methods (in `scopeguard-macros`),
//! and [`UntilExpiry`], a server stream that ends with `UNAUTHENTICATED`
//! when the token expires.
//!
//! ```
//! use std::convert::Infallible;
//!
//! use http::{Request, Response};
//! use scopeguard_core::grpc::MethodScopes;
//! use scopeguard_core::tower::AuthLayer;
//! use scopeguard_core::{AuthError, Principal, TokenValidator, error::InvalidToken};
//! use tower::{ServiceBuilder, ServiceExt};
//!
//! struct OneToken;
//! impl TokenValidator for OneToken {
//!     async fn validate(&self, token: &str) -> Result<Principal, AuthError> {
//!         match token {
//!             "reader" => Ok(Principal::builder().scopes("inventory:read".parse().unwrap()).build()),
//!             _ => Err(InvalidToken::Malformed.into()),
//!         }
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let service = ServiceBuilder::new()
//!     .layer(AuthLayer::new(OneToken))
//!     .layer(MethodScopes::new().method("/inventory.v1.Inventory/GetItem", "inventory:read"))
//!     .service_fn(|_: Request<String>| async { Ok::<_, Infallible>(Response::new(Vec::new())) });
//!
//! let call = |method: &str, token: &str| {
//!     Request::post(method)
//!         .header("content-type", "application/grpc")
//!         .header("authorization", format!("Bearer {token}"))
//!         .body(String::new())
//!         .unwrap()
//! };
//! let allowed = service.clone().oneshot(call("/inventory.v1.Inventory/GetItem", "reader")).await.unwrap();
//! assert!(allowed.headers().get("grpc-status").is_none());
//!
//! let unknown = service.clone().oneshot(call("/inventory.v1.Inventory/Delete", "reader")).await.unwrap();
//! assert_eq!(unknown.status(), 200);
//! assert_eq!(unknown.headers()["grpc-status"], "7");
//!
//! let forged = service.oneshot(call("/inventory.v1.Inventory/GetItem", "forged")).await.unwrap();
//! assert_eq!(forged.headers()["grpc-status"], "16");
//! assert_eq!(forged.headers()["grpc-message"], "the token is malformed");
//! # });
//! ```

mod answer;
mod code;
mod message;
mod method_scopes;
#[cfg(feature = "tonic")]
mod tonic_request;
#[cfg(feature = "tonic")]
mod tonic_status;
#[cfg(feature = "tonic")]
mod until_expiry;

pub use answer::{GRPC_MESSAGE, GRPC_STATUS, GrpcDenial, is_grpc_request};
pub use code::GrpcCode;
pub use message::encode_grpc_message;
pub use method_scopes::{MethodScopes, MethodScopesError, MethodScopesService, UnknownMethods};
#[cfg(feature = "tonic")]
#[cfg_attr(docsrs, doc(cfg(feature = "tonic")))]
pub use tonic_request::RequestPrincipal;
#[cfg(feature = "tonic")]
#[doc(hidden)]
pub use tonic_status::__private;
#[cfg(feature = "tonic")]
#[cfg_attr(docsrs, doc(cfg(feature = "tonic")))]
pub use tonic_status::denial_status;
#[cfg(feature = "tonic")]
#[cfg_attr(docsrs, doc(cfg(feature = "tonic")))]
pub use until_expiry::UntilExpiry;
