//! OAuth 2.0 scope enforcement for axum.
//!
//! Three ways to protect a route, all answering per SPEC §4 (401, 403, 400,
//! 503 with RFC 6750 challenges), behind one [`AuthLayer`] that validates
//! bearer tokens:
//!
//! - a layer on a route or router: [`RequireScope`];
//! - an extractor in the handler: [`Scoped<R>`](Scoped), with `R` declared by
//!   [`scope!`];
//! - an attribute on the handler: [`#[requires_scope(...)]`](requires_scope);
//! - [`Principal`] (and `Option<Principal>`) for routes that need a caller
//!   but no particular scope.
//!
//! ```
//! use axum::{Router, routing::get};
//! use scopeguard_axum::{AuthLayer, Principal, RequireScope, Scoped, scope};
//! # use scopeguard_axum::{AuthError, TokenValidator};
//! # struct MyValidator;
//! # impl TokenValidator for MyValidator {
//! #     async fn validate(&self, _: &str) -> Result<scopeguard_axum::core::Principal, AuthError> {
//! #         Err(AuthError::MissingCredentials)
//! #     }
//! # }
//!
//! scope!(pub ShippingAddress = "order:shipping:address");
//!
//! async fn address(_: Scoped<ShippingAddress>) -> &'static str { "1 Main St" }
//! async fn me(principal: Principal) -> String { principal.sub().unwrap_or_default().to_owned() }
//!
//! let app: Router = Router::new()
//!     .route("/orders/{id}/items", get(|| async { "items" }))
//!     .route_layer(RequireScope::new("order:item"))
//!     .route("/orders/{id}/shipping/address", get(address))
//!     .route("/me", get(me))
//!     .route("/health", get(|| async { "ok" }))
//!     .layer(AuthLayer::new(MyValidator));
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth_layer;
mod context;
mod extract;
mod macro_support;
pub mod metadata;
mod path_params;
mod rejection;
mod require_scope;
#[cfg(feature = "test-util")]
pub mod test_util;

pub use extract::{Principal, Scoped};
pub use macro_support::requires_scope;
pub use path_params::{AxumPathParams, AxumRouteParams};
pub use rejection::AuthRejection;
pub use require_scope::RequireScope;
#[cfg(feature = "dpop")]
pub use scopeguard_core::dpop;
#[cfg(feature = "mtls")]
pub use scopeguard_core::mtls;

/// What the expansion of [`requires_scope`] names; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::macro_support::HandlerRequirement;
    pub use scopeguard_core::inventory::registry::{RegisteredRequirement, inventory};
}

pub use auth_layer::AuthLayer;
/// The framework-independent core, for what this crate does not re-export.
pub use scopeguard_core as core;
/// Calling other APIs on the caller's behalf: forwarding and token exchange
/// (SPEC §3.8). An [`ExchangeError`](downstream::ExchangeError) converts
/// into [`AuthRejection`], the SPEC §4 answer.
#[cfg(feature = "token-exchange")]
#[cfg_attr(docsrs, doc(cfg(feature = "token-exchange")))]
pub use scopeguard_core::downstream;
#[cfg(feature = "utoipa")]
pub use scopeguard_core::inventory::openapi;
pub use scopeguard_core::prelude::*;
