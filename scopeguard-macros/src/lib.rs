//! The `#[requires_scope(...)]` attribute macro behind `scopeguard-axum` and
//! `scopeguard-actix`, and `#[requires_scope_tonic(...)]` for tonic service
//! methods. Use it through the adapters, which re-export it as
//! `scopeguard_axum::requires_scope` and `scopeguard_actix::requires_scope`;
//! their documentation has the examples.
//!
//! The arguments are a requirement in the syntax of SPEC §2.4, with scopes as
//! string literals:
//!
//! ```text
//! #[requires_scope("inventory:price.write")]
//! #[requires_scope("admin:read", "audit:read")]            // all of them
//! #[requires_scope(any("inventory:sales", "report:read"))]
//! #[requires_scope(any(all("a", "b"), "c"))]
//! #[requires_scope("transaction-{tx}")]                    // from the path parameter `tx`
//! #[requires_scope("payment.write", max_age = 300, acr = "phr")]
//! ```
//!
//! One parser and validator (core's scope grammar, template and requirement
//! checks) serves both adapters; a scope that breaks the grammar, an empty
//! requirement, an unknown function or option, a malformed template, or a
//! handler that is not an `async fn` is a compile error at the offending
//! token. The handler gains a first parameter, the adapter's extractor for
//! the requirement, so the check runs before any other extractor; the
//! requirement's text is registered in `scopeguard_core::inventory::registry`.
//!
//! The expansion names the adapter by its absolute path (`::scopeguard_axum`,
//! `::scopeguard_actix`): the crate using the macro depends on the adapter
//! under its own name.

mod arguments;
mod handler;
mod requirement;
mod tonic_method;

use proc_macro::TokenStream;

use crate::handler::{Adapter, expand};
use crate::tonic_method::expand_tonic;

/// `#[requires_scope(...)]` for axum handlers; use it as
/// `scopeguard_axum::requires_scope`.
#[proc_macro_attribute]
pub fn requires_scope_axum(arguments: TokenStream, item: TokenStream) -> TokenStream {
    expand(Adapter::Axum, &arguments.into(), &item.into()).into()
}

/// `#[requires_scope(...)]` for actix-web handlers; use it as
/// `scopeguard_actix::requires_scope`.
#[proc_macro_attribute]
pub fn requires_scope_actix(arguments: TokenStream, item: TokenStream) -> TokenStream {
    expand(Adapter::Actix, &arguments.into(), &item.into()).into()
}

/// `#[requires_scope(...)]` for tonic service methods (SPEC §5), with the
/// same requirement syntax, template scopes excepted (a gRPC call has no
/// path parameters).
///
/// The method keeps its signature; its first step checks the requirement
/// against the principal that `scopeguard_core::tower::AuthLayer` left in
/// the request's extensions, and a denial is returned as a `tonic::Status`
/// (`UNAUTHENTICATED`, `PERMISSION_DENIED`, `INTERNAL` without the
/// authentication layer) with the challenge as `www-authenticate` metadata.
/// The method needs a parameter `request: tonic::Request<T>` (found by its
/// type's last segment, `Request`). It works under `#[tonic::async_trait]`
/// (which runs first and leaves a method returning a boxed future) and on
/// a plain `async fn`.
///
/// The expansion names `::scopeguard_core::grpc`: the crate depends on
/// `scopeguard-core` with its `tonic` feature, under that name.
///
/// ```ignore
/// use scopeguard_macros::requires_scope_tonic as requires_scope;
///
/// #[tonic::async_trait]
/// impl Inventory for Service {
///     #[requires_scope("inventory:price.write")]
///     async fn set_price(&self, request: Request<Price>) -> Result<Response<Empty>, Status> {
///         // ...
///     }
/// }
/// ```
#[proc_macro_attribute]
pub fn requires_scope_tonic(arguments: TokenStream, item: TokenStream) -> TokenStream {
    expand_tonic(&arguments.into(), &item.into()).into()
}
