//! The conformance server of SPEC §7 on tonic: the gRPC service
//! `scopeguard.conformance.v1.Conformance` (`proto/conformance.proto`),
//! each method protected with another mechanism, and the resource metadata
//! over HTTP on the same port.
//!
//! ```sh
//! SCOPEGUARD_ISSUER=https://idp.example SCOPEGUARD_AUDIENCE=https://api.example \
//!     cargo run --release -p scopeguard-examples --bin conformance-tonic
//! ```
//!
//! | method | requirement | mechanism |
//! | --- | --- | --- |
//! | `Me` | a valid token | the method map's `authenticated`, `RequestPrincipal::caller` |
//! | `OrderItems` | `order:item` | `RequireScope` on the method's route |
//! | `SetPrice` | `inventory:price.write` | `#[requires_scope_tonic]` |
//! | `Audit` | `all(admin:read, audit:read)` | the method map |
//! | any other method | denied (`PERMISSION_DENIED`) | the method map's default |
//!
//! The configuration comes from the environment; see
//! [`scopeguard_examples::conformance::config`].

use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use axum::routing::any_service;
use scopeguard_axum::metadata;
use scopeguard_core::Principal;
use scopeguard_core::grpc::{MethodScopes, RequestPrincipal, UnknownMethods};
use scopeguard_core::request::Authenticator;
use scopeguard_core::tower::{AuthLayer, RequireScope};
use scopeguard_examples::conformance;
use scopeguard_examples::conformance::config::ConformanceConfig;
use scopeguard_examples::conformance::site::{ResourceSite, RouteScopes};
use scopeguard_examples::conformance::{
    StartupError, announce, dpop_settings, fail, init_tracing, mtls_settings, validators,
};
use scopeguard_examples::grpc::conformance_proto::conformance_server::{Conformance, ConformanceServer};
use scopeguard_examples::grpc::conformance_proto::{Answer, Empty};
use scopeguard_macros::requires_scope_tonic as requires_scope;
use tonic::server::NamedService;
use tonic::service::Routes;
use tonic::{Request, Response, Status};

const SERVER: &str = "conformance-tonic";

const ME: &str = "/scopeguard.conformance.v1.Conformance/Me";
const ORDER_ITEMS: &str = "/scopeguard.conformance.v1.Conformance/OrderItems";
const SET_PRICE: &str = "/scopeguard.conformance.v1.Conformance/SetPrice";
const AUDIT: &str = "/scopeguard.conformance.v1.Conformance/Audit";

/// The answer of every method: its route name and the token's subject.
fn answer(route: &str, principal: &Principal) -> Response<Answer> {
    Response::new(Answer {
        route: route.to_owned(),
        sub: principal.sub().unwrap_or_default().to_owned(),
    })
}

#[derive(Debug, Clone, Copy)]
struct ConformanceApi;

#[tonic::async_trait]
impl Conformance for ConformanceApi {
    async fn me(&self, request: Request<Empty>) -> Result<Response<Answer>, Status> {
        Ok(answer("me", request.caller()?))
    }

    async fn order_items(&self, request: Request<Empty>) -> Result<Response<Answer>, Status> {
        Ok(answer("order-items", request.caller()?))
    }

    #[requires_scope("inventory:price.write")]
    async fn set_price(&self, request: Request<Empty>) -> Result<Response<Answer>, Status> {
        Ok(answer("price-write", request.caller()?))
    }

    async fn audit(&self, request: Request<Empty>) -> Result<Response<Answer>, Status> {
        Ok(answer("admin-audit", request.caller()?))
    }
}

/// The layers of the methods: `OrderItems`' route layer and the method map.
struct Layers {
    order_items: RequireScope,
    methods: MethodScopes,
}

impl Layers {
    fn new() -> Self {
        Self {
            order_items: RequireScope::new("order:item"),
            methods: MethodScopes::new()
                .authenticated(ME)
                .authenticated(ORDER_ITEMS)
                .authenticated(SET_PRICE)
                .method(AUDIT, "all(admin:read, audit:read)")
                .unknown_methods(UnknownMethods::Deny),
        }
    }

    /// Every scope the methods require.
    fn scopes(&self) -> Vec<String> {
        self.methods
            .requirements()
            .fold(
                RouteScopes::new().layer(self.order_items.requirement()),
                RouteScopes::layer,
            )
            .declared_in(module_path!())
            .scopes()
    }
}

async fn run() -> Result<(), StartupError> {
    let config = ConformanceConfig::from_env()?;
    let (listener, addr) = conformance::bind(&config).await?;

    let policy = Arc::new(validators::policy()?);
    let jwt = validators::jwt_validator(&config, policy).await?;
    let layers = Layers::new();
    let dpop = dpop_settings::dpop_config(addr).await?;
    let mtls = mtls_settings::mtls_config()?;
    let site = ResourceSite::new(addr, &config, layers.scopes(), dpop)?;

    let service = ConformanceServer::new(ConformanceApi);
    let every_method = format!("/{}/{{*method}}", ConformanceServer::<ConformanceApi>::NAME);
    let grpc = Router::new()
        .route_service(&every_method, service.clone())
        .route(ORDER_ITEMS, any_service(service).layer(layers.order_items))
        .layer(layers.methods)
        .layer(AuthLayer::from(
            Authenticator::new(jwt)
                .challenge(site.challenge.clone())
                .dpop(site.dpop.clone())
                .mtls(mtls.clone()),
        ));
    let app = Router::new()
        .merge(metadata::router(site.document.clone()))
        .merge(grpc);

    tracing::info!(resource = %site.resource, issuer = %config.issuer, "conformance server ready");
    announce(addr);
    tonic::transport::Server::builder()
        .accept_http1(true)
        .add_routes(Routes::from(app))
        .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
        .await
        .map_err(|error| StartupError::Serve(std::io::Error::other(error)))
}

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(SERVER, &error),
    }
}
