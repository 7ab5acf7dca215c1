//! gRPC with tonic (SPEC §5): the code generated from `proto/*.proto` (with
//! `protox`, no `protoc` needed) and the inventory service of the
//! `grpc-inventory` example.
//!
//! The services are protected by the same tower layers as the HTTP
//! servers, on the `axum::Router` that tonic's `Routes` are made of; denied
//! gRPC calls get gRPC answers (`grpc-status`, `grpc-message`,
//! `www-authenticate` metadata).

pub mod inventory;

/// The `scopeguard.conformance.v1` package of `conformance-tonic` (SPEC §7).
#[allow(
    missing_docs,
    unreachable_pub,
    unused_qualifications,
    missing_debug_implementations,
    clippy::all,
    clippy::pedantic
)]
pub mod conformance_proto {
    tonic::include_proto!("scopeguard.conformance.v1");
}

/// The `inventory.v1` package of the `grpc-inventory` example.
#[allow(
    missing_docs,
    unreachable_pub,
    unused_qualifications,
    missing_debug_implementations,
    clippy::all,
    clippy::pedantic
)]
pub mod inventory_proto {
    tonic::include_proto!("inventory.v1");
}
