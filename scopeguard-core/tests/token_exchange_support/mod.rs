//! What the token-exchange tests share: the loopback token endpoint, an
//! exchanger configured for it, and callers validated as in production.
#![allow(dead_code, unreachable_pub)]

#[path = "../../../test-support/shared/token_endpoint_server.rs"]
mod token_endpoint_server;

use std::time::Duration;

use scopeguard_core::Principal;
use scopeguard_core::downstream::{TokenExchanger, TokenExchangerBuilder};
pub(crate) use token_endpoint_server::{Behaviour, CLIENT_ID, CLIENT_SECRET, TokenEndpointServer};

/// An exchanger for `server`'s endpoint: `client_secret_basic`, audience
/// `https://shipping.test`, scope `order:shipping`.
pub(crate) fn exchanger(server: &TokenEndpointServer) -> TokenExchangerBuilder {
    TokenExchanger::builder()
        .token_endpoint(server.token_url())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .audience("https://shipping.test")
        .scopes("order:shipping")
}

/// A caller with `scopes`, validated as in production, with a token that
/// expires in `lifetime`.
pub(crate) async fn caller_for(
    server: &TokenEndpointServer,
    sub: &str,
    scopes: &str,
    lifetime: Duration,
) -> Principal {
    let token = server
        .issuer()
        .token()
        .sub(sub)
        .scopes(scopes)
        .expires_in(lifetime)
        .sign();
    server
        .issuer()
        .validator()
        .validate(&token)
        .await
        .expect("a valid token")
}

pub(crate) async fn caller(server: &TokenEndpointServer, sub: &str, scopes: &str) -> Principal {
    caller_for(server, sub, scopes, Duration::from_secs(600)).await
}
