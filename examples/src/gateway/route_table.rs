//! The route table: which upstream serves a request, and what the edge
//! checks first. Routes are tried in the order of the file; the first whose
//! path pattern and method match wins.

use axum::http::Method;
use axum::http::uri::Authority;
use scopeguard_core::Requirement;
use serde::Deserialize;

use super::path_pattern::PathPattern;

/// What the gateway sends an upstream in `Authorization`. The client's own
/// `Authorization` header is never forwarded as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum TokenMode {
    /// `jwt`: the client's JWT access token, checked at the edge, as is.
    #[serde(rename = "jwt")]
    ForwardJwt,
    /// `phantom`: the client's opaque token is introspected at the edge, and
    /// the signed introspection answer (RFC 9701) is forwarded in its place.
    #[serde(rename = "phantom")]
    PhantomToken,
    /// `none`: no `Authorization` at all.
    #[serde(rename = "none")]
    Nothing,
}

impl std::fmt::Display for TokenMode {
    /// The word of the route file: `jwt`, `phantom` or `none`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::ForwardJwt => "jwt",
            Self::PhantomToken => "phantom",
            Self::Nothing => "none",
        })
    }
}

/// An upstream: where requests go and which token goes with them.
#[derive(Debug, Clone)]
pub struct Upstream {
    /// Its name in the file.
    pub name: String,
    /// `host:port`, reached over plain HTTP.
    pub authority: Authority,
    /// What goes in `Authorization`.
    pub token: TokenMode,
    /// Where it is declared.
    pub line: usize,
}

/// What the edge checks before forwarding.
#[derive(Debug, Clone)]
pub enum Access {
    /// Nothing: no token needed, and none forwarded.
    Public,
    /// A valid token granting this (SPEC §2.4, §4).
    Requires(Requirement),
}

/// One route.
#[derive(Debug, Clone)]
pub struct Route {
    /// The path pattern.
    pub pattern: PathPattern,
    /// The methods it serves; `None` serves any.
    pub methods: Option<Vec<Method>>,
    /// What the edge checks.
    pub access: Access,
    /// Its upstream, an index into [`RouteTable::upstreams`].
    pub upstream: usize,
    /// Where it is declared.
    pub line: usize,
}

/// The routes, in order, and their upstreams.
#[derive(Debug, Clone)]
pub struct RouteTable {
    upstreams: Vec<Upstream>,
    routes: Vec<Route>,
}

/// A route that matched a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// The route's index in [`RouteTable::routes`].
    pub route: usize,
    /// The path parameters, percent-decoded.
    pub params: Vec<(String, String)>,
}

impl RouteTable {
    pub(super) fn new(upstreams: Vec<Upstream>, routes: Vec<Route>) -> Self {
        Self { upstreams, routes }
    }

    /// The upstreams, in the order of the file.
    pub fn upstreams(&self) -> &[Upstream] {
        &self.upstreams
    }

    /// The routes, in the order of the file.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The first route serving `method` on `path` (raw, without the query).
    pub fn find(&self, method: &Method, path: &str) -> Option<Matched> {
        self.routes.iter().enumerate().find_map(|(index, route)| {
            if route
                .methods
                .as_ref()
                .is_some_and(|methods| !methods.contains(method))
            {
                return None;
            }
            route
                .pattern
                .matches(path)
                .map(|params| Matched { route: index, params })
        })
    }
}
