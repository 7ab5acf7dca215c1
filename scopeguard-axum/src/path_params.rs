//! Template parameters from axum's matched route.
//!
//! axum percent-decodes each captured segment in full (`%2B`, `%2F` and `%25`
//! included) before any extractor runs, and `RawPathParams` reads those very
//! values: a template scope is filled with exactly what `Path` hands the
//! handler, so `POST /transactions/a%2Bb/approve` checks `transaction-a+b`
//! (SPEC §2.4). A value that is not UTF-8 once decoded, which `Path` refuses,
//! is denied here (403 without a `scope` attribute).

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{FromRequestParts, RawPathParams};
use http::request::Parts;
use scopeguard_core::PathParams;
use scopeguard_core::tower::{PathParamsSource, RouteParams};

/// What stands for a parameter whose percent-decoded value is not UTF-8: a
/// value that breaks the scope grammar, so a template filled with it is
/// denied (403 without a `scope` attribute, SPEC §2.4), never granted.
const UNDECODABLE: &str = "\u{fffd}";

/// The path parameters of axum's matched route.
#[derive(Debug, Clone)]
pub enum AxumRouteParams {
    /// The parameters, percent-decoded (none when the route has none).
    Decoded(RouteParams),
    /// Some parameter's percent-decoded value is not UTF-8: every parameter
    /// reads as a value that no template accepts, so the check fails closed.
    Undecodable,
}

impl PathParams for AxumRouteParams {
    fn get(&self, name: &str) -> Option<&str> {
        match self {
            Self::Decoded(params) => params.get(name),
            Self::Undecodable => Some(UNDECODABLE),
        }
    }
}

/// The matched route's path parameters.
pub(crate) fn route_params(parts: &mut Parts) -> AxumRouteParams {
    // `RawPathParams` reads the router's extension without waiting on anything.
    let extraction = pin!(RawPathParams::from_request_parts(parts, &()));
    match extraction.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(params)) => AxumRouteParams::Decoded(RouteParams::new(params.iter())),
        Poll::Ready(Err(RawPathParamsRejection::InvalidUtf8InPathParam(_))) => AxumRouteParams::Undecodable,
        Poll::Ready(Err(_)) | Poll::Pending => AxumRouteParams::Decoded(RouteParams::default()),
    }
}

/// Reads template parameters from axum's matched route: the source of
/// [`RequireScope`](crate::RequireScope).
#[derive(Debug, Clone, Copy, Default)]
pub struct AxumPathParams;

impl PathParamsSource for AxumPathParams {
    type Params = AxumRouteParams;

    fn path_params(&self, request: &mut Parts) -> AxumRouteParams {
        route_params(request)
    }
}
