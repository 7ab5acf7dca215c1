//! Starting the gateway binary: the environment, the route file, the
//! validators of the edge, and (with no provider configured) the demo: the
//! development issuer, which also introspects opaque tokens (RFC 9701), and
//! the profile API behind the `profile` upstream.
//!
//! | variable | meaning |
//! | --- | --- |
//! | `SCOPEGUARD_GATEWAY_ADDR` | listen address, default `127.0.0.1:8080` |
//! | `SCOPEGUARD_GATEWAY_ROUTES` | the route file; unset: the bundled `examples/gateway.toml` |
//! | `SCOPEGUARD_ISSUER`, `SCOPEGUARD_AUDIENCE`, `SCOPEGUARD_JWKS_URL` | a real provider (as the inventory demos); unset: the development issuer |
//! | `SCOPEGUARD_INTROSPECTION_ENDPOINT`, `SCOPEGUARD_CLIENT_ID`, `SCOPEGUARD_CLIENT_SECRET` | the provider's introspection endpoint and the gateway's client, for `phantom` upstreams |

use std::net::SocketAddr;
use std::sync::Arc;

use scopeguard_core::JwtValidator;
use scopeguard_core::validation::introspection::{
    IntrospectionConfigError, IntrospectionJwtValidator, IntrospectionValidator,
};
use scopeguard_core::validation::jwt::JwtConfigError;
use scopeguard_core::validation::keys::{JwksSource, JwksSourceError, KeySource};
use tokio::net::TcpListener;

use super::edge::{EdgeValidators, Gateway, MissingValidator};
use super::forward::{DEFAULT_UPSTREAM_TIMEOUT, UpstreamClient};
use super::profile_api::profile_api;
use super::route_file::RouteFileError;
use super::route_table::{RouteTable, TokenMode};
use crate::demo::config::{AUDIENCE, ISSUER, JWKS_URL};
use crate::demo::error::DemoError;
use crate::demo::issuer::DevIssuer;
use crate::demo::issuer_introspection::{GATEWAY_CLIENT_ID, GATEWAY_CLIENT_SECRET};
use crate::demo::startup::ALGORITHMS;

/// `SCOPEGUARD_GATEWAY_ADDR`: the listen address.
pub const GATEWAY_ADDR: &str = "SCOPEGUARD_GATEWAY_ADDR";
/// `SCOPEGUARD_GATEWAY_ROUTES`: the route file.
pub const GATEWAY_ROUTES: &str = "SCOPEGUARD_GATEWAY_ROUTES";
/// `SCOPEGUARD_INTROSPECTION_ENDPOINT`: the provider's introspection endpoint.
pub const INTROSPECTION_ENDPOINT: &str = "SCOPEGUARD_INTROSPECTION_ENDPOINT";
/// `SCOPEGUARD_CLIENT_ID`: the gateway's client id at the provider.
pub const CLIENT_ID: &str = "SCOPEGUARD_CLIENT_ID";
/// `SCOPEGUARD_CLIENT_SECRET`: the gateway's client secret at the provider.
pub const CLIENT_SECRET: &str = "SCOPEGUARD_CLIENT_SECRET";

/// The listen address when `SCOPEGUARD_GATEWAY_ADDR` is unset.
pub const DEFAULT_GATEWAY_ADDR: &str = "127.0.0.1:8080";
/// The audience of the development issuer's tokens, which the inventory
/// API is told to expect.
pub const DEMO_AUDIENCE: &str = "inventory-api";
/// The bundled route file.
pub const BUNDLED_ROUTES: &str = include_str!("../../gateway.toml");

/// Why the gateway cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayStartError {
    /// An environment variable is wrong.
    #[error("{0}")]
    Environment(String),
    /// The route file cannot be read.
    #[error("cannot read the route file {path}: {source}")]
    ReadRoutes {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The route file is wrong.
    #[error("the route file {path}: {error}")]
    Routes {
        /// The file.
        path: String,
        /// Its problems, with their lines.
        error: RouteFileError,
    },
    /// An upstream needs a validator that is not configured.
    #[error("the route file {path}: {error}")]
    Validator {
        /// The file.
        path: String,
        /// The upstream and what it needs.
        error: MissingValidator,
    },
    /// The development issuer or a listener failed.
    #[error(transparent)]
    Demo(#[from] DemoError),
    /// The key source does not build.
    #[error(transparent)]
    Keys(#[from] JwksSourceError),
    /// The JWT validator does not build.
    #[error(transparent)]
    Jwt(#[from] JwtConfigError),
    /// The introspection validator does not build.
    #[error(transparent)]
    Introspection(#[from] IntrospectionConfigError),
}

/// A gateway ready to serve.
#[derive(Debug)]
pub struct StartedGateway {
    /// The bound listener.
    pub listener: TcpListener,
    /// The gateway.
    pub gateway: Gateway,
    /// Where the routes come from.
    pub routes: String,
    /// The development issuer, when no provider is configured.
    pub issuer: Option<DevIssuer>,
    /// Where the demo's profile API listens, when it runs.
    pub profile_api: Option<SocketAddr>,
}

fn variable(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Reads the environment and the route file, builds the validators and
/// the gateway, and binds its address. Without a provider, starts the
/// development issuer and the profile API.
pub async fn start_gateway() -> Result<StartedGateway, GatewayStartError> {
    let addr = variable(GATEWAY_ADDR).unwrap_or_else(|| DEFAULT_GATEWAY_ADDR.to_owned());
    let addr: SocketAddr = addr.parse().map_err(|_| {
        GatewayStartError::Environment(format!("{GATEWAY_ADDR} must be an IP address and a port"))
    })?;
    let (routes, text) = match variable(GATEWAY_ROUTES) {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|source| GatewayStartError::ReadRoutes {
                path: path.clone(),
                source,
            })?;
            (path, text)
        }
        None => (
            "examples/gateway.toml (bundled)".to_owned(),
            BUNDLED_ROUTES.to_owned(),
        ),
    };
    let table = RouteTable::parse(&text).map_err(|error| GatewayStartError::Routes {
        path: routes.clone(),
        error,
    })?;
    let (validators, issuer, profile_api) = if let Some(issuer) = variable(ISSUER) {
        (provider_validators(&issuer).await?, None, None)
    } else {
        let dev = DevIssuer::start(DEMO_AUDIENCE).await?;
        let (validators, profile) = demo_validators(&dev, &table).await?;
        (validators, Some(dev), profile)
    };
    let gateway = Gateway::new(table, &validators, &UpstreamClient::new(DEFAULT_UPSTREAM_TIMEOUT)).map_err(
        |error| GatewayStartError::Validator {
            path: routes.clone(),
            error,
        },
    )?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| DemoError::Bind { addr, source })?;
    Ok(StartedGateway {
        listener,
        gateway,
        routes,
        issuer,
        profile_api,
    })
}

/// A real provider's validators: JWTs with its keys, and introspection
/// with signed answers when its endpoint and the client are configured.
async fn provider_validators(issuer: &str) -> Result<EdgeValidators, GatewayStartError> {
    let audience = variable(AUDIENCE)
        .ok_or_else(|| GatewayStartError::Environment(format!("{AUDIENCE} is required with {ISSUER}")))?;
    let keys = match variable(JWKS_URL) {
        Some(url) => JwksSource::builder(url),
        None => JwksSource::discover(issuer),
    }
    .build()
    .await?;
    let jwt = JwtValidator::builder()
        .issuer(issuer, keys.clone())
        .audience(audience.as_str())
        .algorithms(ALGORITHMS)
        .build()?;
    let introspection = match (
        variable(INTROSPECTION_ENDPOINT),
        variable(CLIENT_ID),
        variable(CLIENT_SECRET),
    ) {
        (Some(endpoint), Some(id), Some(secret)) => Some(
            IntrospectionValidator::builder(endpoint)
                .client_credentials(id, secret)
                .issuer(issuer)
                .audience(audience)
                .jwt_answers(keys)
                .build()?,
        ),
        _ => None,
    };
    Ok(EdgeValidators {
        jwt: Some(jwt),
        introspection,
    })
}

/// The development issuer's validators, and the profile API started on the
/// address of the table's `profile` upstream when it forwards phantom
/// tokens.
async fn demo_validators(
    dev: &DevIssuer,
    table: &RouteTable,
) -> Result<(EdgeValidators, Option<SocketAddr>), GatewayStartError> {
    let keys = JwksSource::discover(dev.url()).build().await?;
    let shared: Arc<dyn KeySource> = Arc::new(keys.clone());
    let jwt = JwtValidator::builder()
        .issuer_with_shared_keys(dev.url(), Arc::clone(&shared))
        .audience(DEMO_AUDIENCE)
        .algorithms(ALGORITHMS)
        .build()?;
    let introspection = IntrospectionValidator::builder(dev.introspection_endpoint())
        .client_credentials(GATEWAY_CLIENT_ID, GATEWAY_CLIENT_SECRET)
        .issuer(dev.url())
        .audience(DEMO_AUDIENCE)
        .jwt_answers_with_shared_keys(shared)
        .build()?;
    let profile = table
        .upstreams()
        .iter()
        .find(|upstream| upstream.name == "profile" && upstream.token == TokenMode::PhantomToken);
    let profile_addr = match profile {
        Some(upstream) => {
            let addr: SocketAddr = upstream.authority.as_str().parse().map_err(|_| {
                GatewayStartError::Environment(format!(
                    "the profile upstream {} is not an IP address and a port",
                    upstream.authority
                ))
            })?;
            let listener = TcpListener::bind(addr)
                .await
                .map_err(|source| DemoError::Bind { addr, source })?;
            let validator = IntrospectionJwtValidator::builder(dev.url(), GATEWAY_CLIENT_ID, keys)
                .audience(DEMO_AUDIENCE)
                .build()?;
            tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, profile_api(validator)).await {
                    tracing::error!(%error, "the profile API stopped");
                }
            });
            Some(addr)
        }
        None => None,
    };
    Ok((
        EdgeValidators {
            jwt: Some(jwt),
            introspection: Some(introspection),
        },
        profile_addr,
    ))
}
