//! Support for `tests/conformance.rs`: the conformance servers as child
//! processes, a stand-in introspection endpoint, the downstream shipping
//! API, provider tokens, and
//! the check of answers.

pub(crate) mod challenge;
pub(crate) mod downstream;
pub(crate) mod expect;
pub(crate) mod introspection;
pub(crate) mod server;
pub(crate) mod tokens;
