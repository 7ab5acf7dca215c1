//! The [`scope!`](crate::scope!) macro: a [`NamedRequirement`](crate::NamedRequirement)
//! checked at compile time, and registered in the inventory so the
//! catalogue check and the resource metadata see its scopes.

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
