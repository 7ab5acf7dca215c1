//! Requirements named by a type, for extractors such as `Scoped<R>`.
//!
//! Declare them with [`scope!`](crate::scope!): the requirement is checked
//! at compile time and parsed once, on first use.
//!
//! ```
//! use scopeguard_core::{NamedRequirement, scope};
//!
//! scope!(pub PriceWrite = "inventory:price.write");
//! scope!(pub Sales = any("inventory:sales", "report:read"));
//! scope!(Payment = "payment.write", max_age = 300);
//!
//! assert_eq!(PriceWrite::requirement().to_string(), "inventory:price.write");
//! assert_eq!(Sales::requirement().to_string(), "any(inventory:sales, report:read)");
//! assert_eq!(Payment::requirement().step_up().max_age(), Some(300));
//! ```
//!
//! Every declaration is listed by
//! [`declared_requirements`](crate::inventory::usage::declared_requirements), so the
//! resource metadata and the scope-catalogue check see the scopes of
//! `Scoped<R>` extractors ([`used_scopes`](crate::inventory::usage::used_scopes)).
//!
//! A scope that breaks the grammar does not compile:
//!
//! ```compile_fail
//! scopeguard_core::scope!(Broken = "inventory price");
//! ```

use super::Requirement;

/// A type that names a [`Requirement`].
pub trait NamedRequirement: Send + Sync + 'static {
    /// The requirement's string form, as written.
    const TEXT: &'static str;

    /// The parsed requirement, shared by every use.
    fn requirement() -> &'static Requirement;
}
