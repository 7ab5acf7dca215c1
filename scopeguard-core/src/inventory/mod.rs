//! The inventory of requirements: every requirement the routes declare,
//! what they use, and what the API publishes about its scopes.
//!
//! - [`registry`]: the requirements registered by the macros, by id.
//! - [`usage`]: the scopes the routes require, for the catalogue check.
//! - [`catalogue`]: every scope the API knows, with a description.
//! - [`metadata`]: the protected-resource metadata document (RFC 9728).
//! - `openapi` (feature `utoipa`): requirements as `OpenAPI` security.

pub mod catalogue;
pub mod metadata;
#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
pub mod openapi;
pub mod registry;
mod scope_macro;
pub mod usage;
