//! The gateway's edge: each route of the [`RouteTable`] becomes a tower
//! service, scopeguard's [`AuthLayer`] and [`RequireScope`] in front of the
//! forwarding, so the answers are those of SPEC §4 (401 without a valid
//! token, 403 when a scope is missing, 503 when the token cannot be
//! checked now). Public routes forward without any check.
//!
//! Which validator checks a route's token follows its upstream's
//! [`TokenMode`]: `jwt` checks JWT access tokens locally, `phantom`
//! introspects opaque tokens (asking for signed answers, RFC 9701), `none`
//! checks JWTs when a JWT validator is configured and introspects
//! otherwise.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, Response, StatusCode};
use scopeguard_core::tower::{AuthLayer, RequireScope, RouteParams};
use scopeguard_core::validation::introspection::IntrospectionValidator;
use scopeguard_core::{BearerConfig, JwtValidator, Principal, TokenValidator, extract_bearer};
use tower::ServiceExt as _;
use tower::util::BoxCloneSyncService;
use tower_layer::Layer as _;

use super::forward::{UpstreamClient, problem};
use super::path_pattern::has_dot_segment;
use super::route_table::{Access, Route, RouteTable, TokenMode, Upstream};

/// The validators of the edge. Which are needed depends on the token
/// modes of the upstreams that have protected routes.
#[derive(Debug, Clone, Default)]
pub struct EdgeValidators {
    /// Checks JWT access tokens (`jwt`, and `none` when set).
    pub jwt: Option<JwtValidator>,
    /// Introspects opaque tokens (`phantom`, and `none` without `jwt`); it
    /// must ask for signed answers
    /// ([`jwt_answers`](scopeguard_core::validation::introspection::IntrospectionValidatorBuilder::jwt_answers))
    /// for `phantom` upstreams.
    pub introspection: Option<IntrospectionValidator>,
}

/// Why a gateway cannot be built from a route table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "line {line}: upstream `{upstream}` has protected routes and forwards {mode}, but no {validator} is configured"
)]
pub struct MissingValidator {
    /// Where the upstream is declared.
    pub line: usize,
    /// The upstream's name.
    pub upstream: String,
    /// What it forwards.
    pub mode: &'static str,
    /// The validator it needs.
    pub validator: &'static str,
}

type RouteService = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

/// The gateway: the route table and a service per route.
#[derive(Clone)]
pub struct Gateway {
    table: Arc<RouteTable>,
    services: Arc<[RouteService]>,
}

/// What a route sends its upstream in `Authorization`.
#[derive(Debug, Clone, Copy)]
enum Forwarded {
    Nothing,
    ClientToken,
    IntrospectionJwt,
}

impl Gateway {
    /// Builds the services of `table`'s routes, checking tokens with
    /// `validators` and forwarding with `client`.
    pub fn new(
        table: RouteTable,
        validators: &EdgeValidators,
        client: &UpstreamClient,
    ) -> Result<Self, MissingValidator> {
        let mut services = Vec::with_capacity(table.routes().len());
        for route in table.routes() {
            let upstream = Arc::new(table.upstreams()[route.upstream].clone());
            services.push(route_service(route, upstream, validators, client)?);
        }
        Ok(Self {
            table: Arc::new(table),
            services: services.into(),
        })
    }

    /// The route table.
    pub fn table(&self) -> &RouteTable {
        &self.table
    }

    /// The gateway as an axum app: every request goes through the route
    /// table.
    pub fn router(self) -> Router {
        Router::new().fallback(serve).with_state(self)
    }
}

fn route_service(
    route: &Route,
    upstream: Arc<Upstream>,
    validators: &EdgeValidators,
    client: &UpstreamClient,
) -> Result<RouteService, MissingValidator> {
    let requirement = match &route.access {
        Access::Public => return Ok(forwarding(client, upstream, Forwarded::Nothing)),
        Access::Requires(requirement) => RequireScope::new(requirement.clone()),
    };
    let missing = |mode, validator| MissingValidator {
        line: upstream.line,
        upstream: upstream.name.clone(),
        mode,
        validator,
    };
    let checked = |validator: &dyn Fn(RouteService) -> RouteService, forwarded| {
        let inner = forwarding(client, Arc::clone(&upstream), forwarded);
        validator(BoxCloneSyncService::new(requirement.layer(inner)))
    };
    Ok(
        match (upstream.token, &validators.jwt, &validators.introspection) {
            (TokenMode::ForwardJwt, Some(jwt), _) => {
                checked(&|inner| authenticated(jwt, inner), Forwarded::ClientToken)
            }
            (TokenMode::ForwardJwt, None, _) => return Err(missing("the client's JWT", "JWT validator")),
            (TokenMode::PhantomToken, _, Some(introspection)) => checked(
                &|inner| authenticated(introspection, inner),
                Forwarded::IntrospectionJwt,
            ),
            (TokenMode::PhantomToken, _, None) => {
                return Err(missing("phantom tokens", "introspection validator"));
            }
            (TokenMode::Nothing, Some(jwt), _) => {
                checked(&|inner| authenticated(jwt, inner), Forwarded::Nothing)
            }
            (TokenMode::Nothing, None, Some(introspection)) => {
                checked(&|inner| authenticated(introspection, inner), Forwarded::Nothing)
            }
            (TokenMode::Nothing, None, None) => return Err(missing("nothing", "validator")),
        },
    )
}

/// `inner` behind scopeguard's authentication layer with `validator`.
fn authenticated<V: TokenValidator + Clone>(validator: &V, inner: RouteService) -> RouteService {
    BoxCloneSyncService::new(AuthLayer::new(validator.clone()).layer(inner))
}

/// The service that forwards to `upstream`, with the token `forwarded`
/// says.
fn forwarding(client: &UpstreamClient, upstream: Arc<Upstream>, forwarded: Forwarded) -> RouteService {
    let client = client.clone();
    BoxCloneSyncService::new(tower::service_fn(move |request: Request<Body>| {
        let client = client.clone();
        let upstream = Arc::clone(&upstream);
        async move {
            let token = match forwarded {
                Forwarded::Nothing => None,
                Forwarded::ClientToken => extract_bearer(request.headers(), &BearerConfig::default())
                    .ok()
                    .flatten()
                    .map(|token| token.as_str().to_owned()),
                Forwarded::IntrospectionJwt => request
                    .extensions()
                    .get::<Principal>()
                    .and_then(Principal::introspection_jwt)
                    .map(str::to_owned),
            };
            if token.is_none() && !matches!(forwarded, Forwarded::Nothing) {
                // Fail closed: a protected route's checks ran, so the token
                // is there, unless the introspection validator does not ask
                // for signed answers.
                tracing::error!(
                    upstream = upstream.name,
                    "no token to forward: a phantom-token upstream needs an introspection validator with signed answers"
                );
                return Ok(problem(StatusCode::INTERNAL_SERVER_ERROR, "server_error"));
            }
            Ok(client
                .forward(&upstream.name, &upstream.authority, request, token.as_deref())
                .await)
        }
    }))
}

/// Every request: its route, then that route's service.
async fn serve(State(gateway): State<Gateway>, mut request: Request<Body>) -> Response<Body> {
    let path = request.uri().path();
    if has_dot_segment(path) {
        tracing::debug!(reason = "dot_segment", "request refused at the edge");
        return problem(StatusCode::BAD_REQUEST, "invalid_request");
    }
    let Some(matched) = gateway.table.find(request.method(), path) else {
        tracing::debug!(reason = "no_route", method = %request.method(), "request refused at the edge");
        return problem(StatusCode::NOT_FOUND, "not_found");
    };
    request.extensions_mut().insert(RouteParams::new(matched.params));
    let service = gateway.services[matched.route].clone();
    match service.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

impl fmt::Debug for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gateway")
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}
