//! Token validation: what turns a bearer token into a
//! [`Principal`](principal::Principal) (SPEC §3).
//!
//! - [`TokenValidator`]: the one trait the request handling uses.
//! - [`jwt`]: JWT access tokens, verified with the keys of [`keys`].
//! - [`introspection`]: opaque tokens checked at an introspection endpoint.
//! - [`principal`] and [`claims`]: what a valid token says about its caller.

pub mod claims;
mod confirmation;
#[cfg(feature = "introspection")]
#[cfg_attr(docsrs, doc(cfg(feature = "introspection")))]
pub mod introspection;
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub mod jwt;
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub mod keys;
pub mod principal;
mod token_validator;

pub use token_validator::TokenValidator;
