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

/// Declares a type naming a requirement, checked at compile time.
///
/// The syntax after `=` is that of
/// [`Requirement::parse`](crate::Requirement::parse), with scopes written as
/// string literals: `"a"`, `all("a", "b")`, `any("a", "b")`, nesting,
/// templates `"transaction-{tx}"`, and the options `max_age = N` and
/// `acr = "..."`.
///
/// ```
/// scopeguard_core::scope!(
///     /// Approving a transaction needs that transaction's own scope.
///     pub Approve = "transaction-{tx}"
/// );
/// ```
#[macro_export]
macro_rules! scope {
    ($(#[$meta:meta])* $vis:vis $name:ident = $($requirement:tt)+) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $crate::NamedRequirement for $name {
            const TEXT: &'static str = {
                const TEXT: &str = ::core::stringify!($($requirement)+);
                $crate::scopes::requirement::compile_time::assert_valid(TEXT);
                TEXT
            };

            fn requirement() -> &'static $crate::Requirement {
                static REQUIREMENT: ::std::sync::LazyLock<$crate::Requirement> = ::std::sync::LazyLock::new(|| {
                    $crate::Requirement::parse(<$name as $crate::NamedRequirement>::TEXT)
                        .expect("the requirement was checked at compile time")
                });
                &REQUIREMENT
            }
        }

        const _: &str = <$name as $crate::NamedRequirement>::TEXT;

        $crate::inventory::registry::inventory::submit! {
            $crate::inventory::usage::DeclaredRequirement::new(
                ::core::concat!(::core::module_path!(), "::", ::core::stringify!($name)),
                <$name as $crate::NamedRequirement>::TEXT,
            )
        }
    };
}
