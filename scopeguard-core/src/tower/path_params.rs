//! Where [`RequireScope`](super::RequireScope) finds the path parameters that
//! fill template scopes (`transaction-{tx}`).
//!
//! Plain tower stacks have no router, so by default the parameters are read
//! from a [`RouteParams`] extension: insert one into the request (in your
//! router, or a layer before `RequireScope`). The axum adapter reads axum's
//! matched route parameters instead.
//!
//! ```
//! use scopeguard_core::tower::RouteParams;
//!
//! let mut request = http::Request::new(());
//! request.extensions_mut().insert(RouteParams::from([("tx", "42")]));
//! ```

use crate::scopes::requirement::PathParams;

/// Path parameters of a request's route, by name, as an extension.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteParams(Vec<(String, String)>);

impl RouteParams {
    /// Parameters from `(name, value)` pairs; pass the values fully
    /// percent-decoded (`%2B`, `%2F` and `%25` included), as the handler
    /// receives them, so a template scope names the resource served.
    pub fn new<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
        )
    }
}

impl<K: Into<String>, V: Into<String>, const N: usize> From<[(K, V); N]> for RouteParams {
    fn from(pairs: [(K, V); N]) -> Self {
        Self::new(pairs)
    }
}

impl PathParams for RouteParams {
    fn get(&self, name: &str) -> Option<&str> {
        PathParams::get(self.0.as_slice(), name)
    }
}

/// Finds a request's path parameters.
pub trait PathParamsSource: Clone + Send + Sync + 'static {
    /// The parameters found.
    type Params: PathParams;

    /// The parameters of the request's route; called only for requirements
    /// with template scopes.
    fn path_params(&self, request: &mut http::request::Parts) -> Self::Params;
}

/// Reads the [`RouteParams`] extension; none means no parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct RouteParamsExtension;

impl PathParamsSource for RouteParamsExtension {
    type Params = RouteParams;

    fn path_params(&self, request: &mut http::request::Parts) -> RouteParams {
        request
            .extensions
            .get::<RouteParams>()
            .cloned()
            .unwrap_or_default()
    }
}
