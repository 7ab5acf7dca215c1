//! A gateway built on scopeguard: a reverse proxy that checks scopes at the
//! edge and forwards to the APIs behind it (`cargo run -p
//! scopeguard-examples --bin gateway`).
//!
//! - [`route_table`]: routes (a path pattern and methods) to upstreams,
//!   each public or with a requirement in the SPEC §2.4 syntax; the first
//!   match wins. Read from TOML by [`route_file`], which names the line of
//!   every problem.
//! - [`edge`]: scopeguard's `AuthLayer` and `RequireScope` in front of each
//!   protected route, so the edge answers 401/403/503 as SPEC §4 says, and
//!   bad calls never reach the APIs.
//! - [`forward`]: the reverse proxy on hyper's client: hop-by-hop headers
//!   ([`hop_by_hop`]) dropped, the client's `Authorization` replaced by the
//!   upstream's token: the JWT as is, the signed introspection answer of an
//!   opaque token (the phantom-token flow, RFC 9701), or nothing. An
//!   upstream down is 502.
//!
//! Coarse checks belong here (is the token valid, does it carry the API's
//! scope at all); the API still checks what only it knows (which order,
//! whose account, the fine-grained scopes of each operation).

pub mod demo_walkthrough;
pub mod edge;
pub mod forward;
pub mod hop_by_hop;
pub mod path_pattern;
pub mod profile_api;
pub mod route_file;
pub mod route_table;
pub mod startup;

pub use edge::{EdgeValidators, Gateway, MissingValidator};
pub use forward::UpstreamClient;
pub use route_file::{LineProblem, RouteFileError};
pub use route_table::{Access, Matched, Route, RouteTable, TokenMode, Upstream};
