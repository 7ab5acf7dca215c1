//! What the two inventory demos, `inventory-api` (axum) and
//! `inventory-api-actix` (actix-web), share: their configuration, the
//! embedded development issuer, the personas and the walkthrough of
//! ready-to-paste `curl` lines, the in-memory inventory, and logging.
//!
//! ```sh
//! cargo run -p scopeguard-examples --bin inventory-api
//! cargo run -p scopeguard-examples --bin inventory-api-actix
//! ```
//!
//! With no configuration a demo starts an [embedded issuer](issuer) on
//! loopback, validates its tokens through the ordinary discovery path
//! (`JwksSource::discover`), and prints, for each [persona](personas), the
//! requests of the [walkthrough] with a fresh token and the status each
//! must answer. With `SCOPEGUARD_ISSUER` and `SCOPEGUARD_AUDIENCE` set it
//! trusts that provider instead and prints no tokens; see [`config`].

pub mod config;
pub mod error;
pub mod issuer;
pub mod issuer_introspection;
pub mod logging;
pub mod personas;
pub mod startup;
pub mod store;
pub mod walkthrough;
