//! The `#[requires_scope(...)]` attribute macro behind `scopeguard-axum` and
//! `scopeguard-actix`. Use it through the adapters, which re-export it as
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

use proc_macro::TokenStream;

use crate::handler::{Adapter, expand};

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
