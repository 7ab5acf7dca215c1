//! The scope model: what a scope is, what a token grants, what a route
//! requires, and the policy that decides whether the one covers the other.
//!
//! - [`scope`]: a validated scope token (RFC 6749 §3.3).
//! - [`granted`]: the scopes a token grants.
//! - [`requirement`]: what a route requires (`all`, `any`, templates,
//!   step-up), parsed at run time or checked at compile time.
//! - [`policy`]: when a granted scope covers a required one, and
//!   [`policy::decision`], the check of a requirement against granted scopes.

pub(crate) mod grammar;
pub mod granted;
pub mod policy;
pub mod requirement;
pub mod scope;
pub(crate) mod shape;
