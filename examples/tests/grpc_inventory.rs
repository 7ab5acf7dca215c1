//! SPEC §5's gRPC part through a real tonic client and server on loopback:
//! the inventory service of `grpc-inventory` with tokens of the in-memory
//! test issuer. `#[requires_scope_tonic]` (scopes, step-up, no
//! authentication layer), the method map, and a server stream cut when the
//! token expires.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use scopeguard_core::request::Authenticator;
use scopeguard_core::test_util::TestIssuer;
use scopeguard_core::tower::AuthLayer;
use scopeguard_examples::grpc::inventory::{InventoryService, routes, unprotected_routes};
use scopeguard_examples::grpc::inventory_proto::inventory_client::InventoryClient;
use scopeguard_examples::grpc::inventory_proto::{ItemRequest, SetPriceRequest};
use tokio_stream::StreamExt as _;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

/// How often the price stream sends an update.
const TICK: Duration = Duration::from_millis(100);

/// Serves `router` with tonic on a free loopback port.
async fn serve(router: Router) -> InventoryClient<Channel> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr: SocketAddr = listener.local_addr().expect("an address");
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_routes(tonic::service::Routes::from(router))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let channel = Channel::from_shared(format!("http://{addr}"))
        .expect("a URI")
        .connect()
        .await
        .expect("the server answers");
    InventoryClient::new(channel)
}

/// The service behind the method map and the authentication layer.
async fn protected(issuer: &TestIssuer) -> InventoryClient<Channel> {
    serve(routes(
        InventoryService::new(TICK),
        Authenticator::new(issuer.validator()),
    ))
    .await
}

/// The service behind the authentication layer only: the macro alone decides.
async fn macro_only(issuer: &TestIssuer) -> InventoryClient<Channel> {
    let router = unprotected_routes(InventoryService::new(TICK)).layer(AuthLayer::new(issuer.validator()));
    serve(router).await
}

fn with_token<T>(message: T, token: Option<&str>) -> Request<T> {
    let mut request = Request::new(message);
    if let Some(token) = token {
        let value = format!("Bearer {token}").parse().expect("ASCII metadata");
        request.metadata_mut().insert("authorization", value);
    }
    request
}

fn price(cents: u64) -> SetPriceRequest {
    SetPriceRequest {
        id: "widget".into(),
        cents,
    }
}

fn widget() -> ItemRequest {
    ItemRequest { id: "widget".into() }
}

fn challenge(status: &Status) -> &str {
    status
        .metadata()
        .get("www-authenticate")
        .expect("a www-authenticate challenge")
        .to_str()
        .expect("ASCII")
}

#[tokio::test]
async fn the_macro_allows_the_scope_and_denies_the_rest() {
    let issuer = TestIssuer::new();
    let mut client = macro_only(&issuer).await;
    let writer = issuer.token().sub("alice").scopes("inventory:price.write").sign();
    let item = client
        .set_price(with_token(price(2500), Some(&writer)))
        .await
        .expect("allowed")
        .into_inner();
    assert_eq!((item.cents, item.caller.as_str()), (2500, "alice"));

    let reader = issuer.token().scopes("inventory:read").sign();
    let denied = client
        .set_price(with_token(price(1), Some(&reader)))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    assert_eq!(denied.message(), "insufficient scope");
    assert_eq!(
        challenge(&denied),
        r#"Bearer realm="scopeguard", error="insufficient_scope", error_description="insufficient scope", scope="inventory:price.write""#
    );

    let anonymous = client.set_price(with_token(price(1), None)).await.unwrap_err();
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    assert_eq!(challenge(&anonymous), r#"Bearer realm="scopeguard""#);
}

#[tokio::test]
async fn the_macro_asks_for_step_up_with_max_age() {
    let issuer = TestIssuer::new();
    let mut client = macro_only(&issuer).await;
    let stale = issuer
        .token()
        .scopes("admin")
        .authenticated_ago(Duration::from_secs(3600))
        .sign();
    let denied = client
        .delete_item(with_token(widget(), Some(&stale)))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::Unauthenticated);
    assert!(
        challenge(&denied).contains(r#"error="insufficient_user_authentication""#)
            && challenge(&denied).ends_with(r#"max_age="300""#),
        "{}",
        challenge(&denied)
    );
    let fresh = issuer
        .token()
        .scopes("admin")
        .authenticated_ago(Duration::from_secs(60))
        .sign();
    client
        .delete_item(with_token(widget(), Some(&fresh)))
        .await
        .expect("a recent sign-in is enough");
}

#[tokio::test]
async fn without_the_authentication_layer_the_macro_and_the_principal_are_internal() {
    let issuer = TestIssuer::new();
    let mut client = serve(unprotected_routes(InventoryService::new(TICK))).await;
    let token = issuer
        .token()
        .scopes("inventory:price.write inventory:read")
        .sign();
    let denied = client
        .set_price(with_token(price(1), Some(&token)))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::Internal);
    assert_eq!(denied.message(), "the server cannot authorize this request");
    assert!(denied.metadata().get("www-authenticate").is_none());
    let denied = client
        .get_item(with_token(widget(), Some(&token)))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::Internal);
}

#[tokio::test]
async fn the_method_map_checks_each_method() {
    let issuer = TestIssuer::new();
    let mut client = protected(&issuer).await;
    let reader = issuer.token().scopes("inventory:read").sign();
    client
        .get_item(with_token(widget(), Some(&reader)))
        .await
        .expect("inventory:read reads");
    let other = issuer.token().scopes("order").sign();
    let denied = client
        .get_item(with_token(widget(), Some(&other)))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    assert!(challenge(&denied).ends_with(r#"scope="inventory:read""#));
    let expired = issuer.token().scopes("inventory:read").expired().sign();
    let denied = client
        .get_item(with_token(widget(), Some(&expired)))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::Unauthenticated);
    assert_eq!(denied.message(), "the token has expired");
}

#[tokio::test]
async fn a_price_stream_ends_with_unauthenticated_when_the_token_expires() {
    let issuer = TestIssuer::new();
    let mut client = protected(&issuer).await;
    let lifetime = Duration::from_secs(2);
    let token = issuer
        .token()
        .scopes("inventory:read")
        .expires_in(lifetime)
        .sign();
    let started = Instant::now();
    let mut stream = client
        .watch_prices(with_token(widget(), Some(&token)))
        .await
        .expect("the stream starts")
        .into_inner();
    let mut updates = 0;
    let give_up = tokio::time::Instant::now() + lifetime + Duration::from_secs(5);
    let end = loop {
        match tokio::time::timeout_at(give_up, stream.next()).await {
            Ok(Some(Ok(item))) => {
                assert_eq!(item.cents, 1999);
                updates += 1;
            }
            Ok(Some(Err(status))) => break status,
            Ok(None) => panic!("the stream ended without a status after {updates} updates"),
            Err(elapsed) => panic!("the stream went on past the token's expiry: {elapsed}"),
        }
    };
    let elapsed = started.elapsed();
    assert_eq!(end.code(), Code::Unauthenticated);
    assert_eq!(end.message(), "the token has expired");
    assert_eq!(
        challenge(&end),
        r#"Bearer realm="scopeguard", error="invalid_token", error_description="the token has expired""#
    );
    // `exp` is whole seconds: the cut comes within a second before the lifetime.
    assert!(
        elapsed + Duration::from_secs(1) >= lifetime,
        "cut after {elapsed:?}"
    );
    assert!(
        elapsed < lifetime + Duration::from_secs(2),
        "cut after {elapsed:?}"
    );
    assert!(updates >= 3, "{updates} updates before the cut");
    assert!(stream.next().await.is_none(), "nothing after the status");
}

/// A method written as a plain `async fn`, without `#[tonic::async_trait]`.
struct PlainMethods;

impl PlainMethods {
    #[scopeguard_macros::requires_scope_tonic("order:item")]
    async fn items(&self, request: Request<u32>) -> Result<tonic::Response<u32>, Status> {
        tokio::task::yield_now().await;
        Ok(tonic::Response::new(request.into_inner() + 1))
    }
}

#[tokio::test]
async fn the_macro_checks_a_plain_async_method_too() {
    use scopeguard_core::Principal;
    use scopeguard_core::error::DenialRenderer;

    let admitted = |scopes: &str| {
        let mut request = Request::new(41);
        let principal = Principal::builder()
            .scopes(scopes.parse().expect("scopes"))
            .build();
        request
            .extensions_mut()
            .insert(principal.with_denial_renderer(DenialRenderer::default()));
        request
    };
    PlainMethods
        .items(admitted("order"))
        .await
        .expect("order covers order:item");
    let denied = PlainMethods.items(admitted("inventory")).await.unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    let denied = PlainMethods.items(Request::new(0)).await.unwrap_err();
    assert_eq!(denied.code(), Code::Internal);
}
