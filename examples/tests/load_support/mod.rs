//! Support for `tests/load.rs`: the server under load and what is sent to
//! it.

pub(crate) mod requests;
pub(crate) mod server;
