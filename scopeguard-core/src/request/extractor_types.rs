//! The extractor types every adapter hands its handlers, written once.
//!
//! Each adapter needs its own `Scoped<R, C>` and `Principal<C>` types (a
//! framework's extractor trait can only be implemented for a type of the
//! adapter's own crate), but what they hold and offer is the same. The
//! adapter declares them with [`extractor_types!`](crate::extractor_types),
//! giving each its framework-specific docs, and implements the framework's
//! extractor trait with one call into core (see [`admit`](super::admit)):
//! `Self::admitted(admit(..)?)`.

/// Declares an adapter's `Scoped<R, C = Claims>` and `Principal<C = Claims>`
/// extractor types, with the docs given before `scoped;` and `principal;`.
///
/// Both get `claims: C` (public), `into_claims`, a `Debug` that shows the
/// claims' own `Debug`, and a private `admitted((principal, claims))`
/// constructor for the extractor implementation; `Scoped` has `principal()`,
/// `Principal` derefs to [`Principal`](crate::Principal).
#[doc(hidden)]
#[macro_export]
macro_rules! extractor_types {
    (
        $(#[$scoped_docs:meta])*
        scoped;
        $(#[$principal_docs:meta])*
        principal;
    ) => {
        $(#[$scoped_docs])*
        pub struct Scoped<R, C = $crate::validation::claims::Claims> {
            /// The caller's claims.
            pub claims: C,
            principal: $crate::Principal,
            requirement: ::std::marker::PhantomData<fn() -> R>,
        }

        impl<R, C> Scoped<R, C> {
            /// The validated token's principal.
            pub fn principal(&self) -> &$crate::Principal {
                &self.principal
            }

            /// The claims, taken out.
            pub fn into_claims(self) -> C {
                self.claims
            }

            /// The caller core admitted for `R`.
            fn admitted((principal, claims): ($crate::Principal, C)) -> Self {
                Self {
                    claims,
                    principal,
                    requirement: ::std::marker::PhantomData,
                }
            }
        }

        impl<R, C: ::std::fmt::Debug> ::std::fmt::Debug for Scoped<R, C> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Scoped")
                    .field("requirement", &::std::any::type_name::<R>())
                    .field("claims", &self.claims)
                    .finish_non_exhaustive()
            }
        }

        $(#[$principal_docs])*
        pub struct Principal<C = $crate::validation::claims::Claims> {
            /// The caller's claims.
            pub claims: C,
            principal: $crate::Principal,
        }

        impl<C> Principal<C> {
            /// The claims, taken out.
            pub fn into_claims(self) -> C {
                self.claims
            }

            /// The caller core admitted.
            fn admitted((principal, claims): ($crate::Principal, C)) -> Self {
                Self { claims, principal }
            }
        }

        impl<C> ::std::ops::Deref for Principal<C> {
            type Target = $crate::Principal;

            fn deref(&self) -> &$crate::Principal {
                &self.principal
            }
        }

        impl<C: ::std::fmt::Debug> ::std::fmt::Debug for Principal<C> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Principal")
                    .field("claims", &self.claims)
                    .field("principal", &self.principal)
                    .finish()
            }
        }
    };
}

/// Declares an adapter's `AuthRejection`, the error of its extractors, with
/// the docs given: a [`Denial`](crate::request::Denial) with `error()`,
/// `From<Denial>`, `Display` (the error's) and `std::error::Error`. The
/// adapter adds its `status()` in its framework's status type and its
/// response conversion (reading the denial as `self.0`).
#[doc(hidden)]
#[macro_export]
macro_rules! rejection_type {
    ($(#[$docs:meta])*) => {
        $(#[$docs])*
        #[derive(Debug, Clone)]
        pub struct AuthRejection($crate::request::Denial);

        impl AuthRejection {
            /// Why the request was denied.
            pub fn error(&self) -> &$crate::AuthError {
                self.0.error()
            }
        }

        impl ::std::convert::From<$crate::request::Denial> for AuthRejection {
            fn from(denial: $crate::request::Denial) -> Self {
                Self(denial)
            }
        }

        impl ::std::fmt::Display for AuthRejection {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(self.error(), f)
            }
        }

        impl ::std::error::Error for AuthRejection {}
    };
}
