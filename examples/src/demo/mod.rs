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
//! must answer. The development issuer also exchanges tokens (RFC 8693):
//! the inventory API calls a second service, the [shipping] API, with a
//! token narrowed to `order:shipping`. With `SCOPEGUARD_ISSUER` and
//! `SCOPEGUARD_AUDIENCE` set it trusts that provider instead, prints no
//! tokens and serves no shipping calls; see [`config`].

pub mod config;
pub mod error;
pub mod issuer;
pub mod issuer_introspection;
pub mod logging;
pub mod personas;
pub mod shipping;
pub mod startup;
pub mod store;
pub mod walkthrough;
