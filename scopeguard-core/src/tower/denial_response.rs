//! The answer of a denial in the tower layers: SPEC §4's HTTP answer, or,
//! with the `grpc` feature, SPEC §5's gRPC answer when the request is a
//! gRPC call.

use http::{HeaderMap, Response};

use crate::request::Denial;

/// Logs `denial` and answers it for a request with `headers`.
#[cfg_attr(not(feature = "grpc"), allow(unused_variables))]
pub(crate) fn denial_response<B: From<Vec<u8>>>(denial: &Denial, headers: &HeaderMap) -> Response<B> {
    #[cfg(feature = "grpc")]
    if crate::grpc::is_grpc_request(headers) {
        return crate::grpc::GrpcDenial::of(denial).into_response();
    }
    denial.respond()
}
