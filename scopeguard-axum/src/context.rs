//! An axum request as core's extractor entry sees it.

use http::request::Parts;
use scopeguard_core::request::RequestContext;

use crate::path_params::{AxumRouteParams, route_params};

/// The parts of an axum request: their extensions, and the matched route's
/// path parameters.
pub(crate) struct AxumRequest<'a>(pub(crate) &'a mut Parts);

impl RequestContext for AxumRequest<'_> {
    type Extensions = http::Extensions;
    type Params = AxumRouteParams;

    fn extensions(&self) -> &http::Extensions {
        &self.0.extensions
    }

    fn path_params(&mut self) -> AxumRouteParams {
        route_params(self.0)
    }
}
