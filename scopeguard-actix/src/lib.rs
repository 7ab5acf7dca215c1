//! OAuth 2.0 scope enforcement for actix-web.
//!
//! Behind one [`AuthMiddleware`] that validates bearer tokens, protect routes
//! with:
//!
//! - [`RequireScope`] middleware on an `App`, `Scope` or `Resource`;
//! - the [`Scoped<R>`](Scoped) extractor, with `R` declared by [`scope!`];
//! - [`Principal`] for routes that need a caller but no particular scope;
//! - [`ScopeGuard`] to route between handlers by scope;
//! - an attribute on the handler: [`#[requires_scope(...)]`](requires_scope).
//!
//! Every denial is the SPEC §4 answer (401, 403, 400, 503 with RFC 6750
//! challenges), byte for byte the same as the axum adapter's.
//!
//! ```
//! use actix_web::{App, web};
//! use scopeguard_actix::{AuthMiddleware, Principal, RequireScope, Scoped, scope};
//! # use scopeguard_actix::{AuthError, TokenValidator};
//! # struct MyValidator;
//! # impl TokenValidator for MyValidator {
//! #     async fn validate(&self, _: &str) -> Result<scopeguard_actix::core::Principal, AuthError> {
//! #         Err(AuthError::MissingCredentials)
//! #     }
//! # }
//!
//! scope!(pub ShippingAddress = "order:shipping:address");
//!
//! async fn address(_: Scoped<ShippingAddress>) -> &'static str { "1 Main St" }
//! async fn me(principal: Principal) -> String { principal.sub().unwrap_or_default().to_owned() }
//!
//! let app = App::new()
//!     .service(
//!         web::resource("/orders/{id}/items")
//!             .wrap(RequireScope::new("order:item"))
//!             .route(web::get().to(|| async { "items" })),
//!     )
//!     .route("/orders/{id}/shipping/address", web::get().to(address))
//!     .route("/me", web::get().to(me))
//!     .wrap(AuthMiddleware::new(MyValidator));
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod context;
mod extract;
mod guard;
mod macro_support;
pub mod metadata;
mod middleware;
mod path_params;
mod response;
#[cfg(feature = "test-util")]
pub mod test_util;

pub use extract::{MaybePrincipal, Principal, Scoped};
pub use guard::{ScopeGuard, ScopeGuardError};
pub use macro_support::requires_scope;
pub use middleware::{
    AuthMiddleware, AuthenticationMiddleware, RequireScope, RequireScopeMiddleware, ResponseFuture,
};
pub use response::AuthRejection;

/// What the expansion of [`requires_scope`] names; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::macro_support::HandlerRequirement;
    pub use scopeguard_core::inventory::registry::{RegisteredRequirement, inventory};
}

/// The framework-independent core, for what this crate does not re-export.
pub use scopeguard_core as core;
/// Calling other APIs on the caller's behalf: forwarding and token exchange
/// (SPEC §3.8). An [`ExchangeError`](downstream::ExchangeError) converts
/// into [`AuthRejection`], the SPEC §4 answer.
#[cfg(feature = "token-exchange")]
#[cfg_attr(docsrs, doc(cfg(feature = "token-exchange")))]
pub use scopeguard_core::downstream;
#[cfg(feature = "dpop")]
pub use scopeguard_core::dpop;
#[cfg(feature = "utoipa")]
pub use scopeguard_core::inventory::openapi;
#[cfg(feature = "mtls")]
pub use scopeguard_core::mtls;
pub use scopeguard_core::prelude::*;
