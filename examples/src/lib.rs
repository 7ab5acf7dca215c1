//! Runnable examples and the conformance servers of scopeguard.

pub mod conformance;
pub mod demo;
pub mod gateway;
pub mod grpc;
pub mod tls;
