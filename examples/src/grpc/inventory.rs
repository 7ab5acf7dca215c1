//! The gRPC inventory of the `grpc-inventory` example: each way of
//! attaching a requirement to a tonic method, and a server stream that
//! ends when the caller's token expires.
//!
//! | method | requirement | mechanism |
//! | --- | --- | --- |
//! | `GetItem` | `inventory:read` | the method map ([`MethodScopes`]) |
//! | `WatchPrices` | `inventory:read`; ends at the token's `exp` | the method map, [`UntilExpiry`] |
//! | `SetPrice` | `inventory:price.write` | `#[requires_scope_tonic]` |
//! | `DeleteItem` | `admin`, signed in within 5 minutes | `#[requires_scope_tonic]` with `max_age` |
//! | any other | denied (`PERMISSION_DENIED`) | the method map's default |

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use scopeguard_core::grpc::{MethodScopes, RequestPrincipal, UnknownMethods, UntilExpiry};
use scopeguard_core::request::Authenticator;
use scopeguard_core::tower::AuthLayer;
use scopeguard_core::{Principal, TokenValidator};
use scopeguard_macros::requires_scope_tonic as requires_scope;
use tokio_stream::{Stream, StreamExt as _};
use tonic::server::NamedService;
use tonic::{Request, Response, Status};

use super::inventory_proto::inventory_server::{Inventory, InventoryServer};
use super::inventory_proto::{Item, ItemRequest, SetPriceRequest};

/// `/inventory.v1.Inventory/GetItem`.
pub const GET_ITEM: &str = "/inventory.v1.Inventory/GetItem";
/// `/inventory.v1.Inventory/SetPrice`.
pub const SET_PRICE: &str = "/inventory.v1.Inventory/SetPrice";
/// `/inventory.v1.Inventory/WatchPrices`.
pub const WATCH_PRICES: &str = "/inventory.v1.Inventory/WatchPrices";
/// `/inventory.v1.Inventory/DeleteItem`.
pub const DELETE_ITEM: &str = "/inventory.v1.Inventory/DeleteItem";

/// The stream of `WatchPrices`.
pub type PriceStream = UntilExpiry<Pin<Box<dyn Stream<Item = Result<Item, Status>> + Send>>>;

/// The inventory: prices in cents by item id.
#[derive(Debug, Clone)]
pub struct InventoryService {
    prices: Arc<Mutex<HashMap<String, u64>>>,
    tick: Duration,
}

impl InventoryService {
    /// An inventory holding `widget` at 1999 cents, whose price stream
    /// sends an update every `tick`.
    pub fn new(tick: Duration) -> Self {
        let prices = HashMap::from([("widget".to_owned(), 1999)]);
        Self {
            prices: Arc::new(Mutex::new(prices)),
            tick,
        }
    }

    fn item(&self, id: &str, principal: &Principal) -> Result<Item, Status> {
        let prices = self.prices.lock().unwrap_or_else(PoisonError::into_inner);
        let cents = prices
            .get(id)
            .copied()
            .ok_or_else(|| Status::not_found(format!("no item {id:?}")))?;
        Ok(Item {
            id: id.to_owned(),
            cents,
            caller: caller(principal),
        })
    }
}

/// The token's subject, or its client id.
fn caller(principal: &Principal) -> String {
    principal
        .sub()
        .or_else(|| principal.client_id())
        .unwrap_or_default()
        .to_owned()
}

#[tonic::async_trait]
impl Inventory for InventoryService {
    async fn get_item(&self, request: Request<ItemRequest>) -> Result<Response<Item>, Status> {
        let principal = request.caller()?;
        self.item(&request.get_ref().id, principal).map(Response::new)
    }

    #[requires_scope("inventory:price.write")]
    async fn set_price(&self, request: Request<SetPriceRequest>) -> Result<Response<Item>, Status> {
        let principal = request.caller()?;
        let SetPriceRequest { id, cents } = request.get_ref().clone();
        self.prices
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.clone(), cents);
        self.item(&id, principal).map(Response::new)
    }

    type WatchPricesStream = PriceStream;

    async fn watch_prices(&self, request: Request<ItemRequest>) -> Result<Response<PriceStream>, Status> {
        let principal = request.caller()?.clone();
        let first = self.item(&request.get_ref().id, &principal)?;
        let mut interval = tokio::time::interval(self.tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let updates = tokio_stream::wrappers::IntervalStream::new(interval).map(move |_| Ok(first.clone()));
        let updates: Pin<Box<dyn Stream<Item = Result<Item, Status>> + Send>> = Box::pin(updates);
        Ok(Response::new(UntilExpiry::new(updates, &principal)))
    }

    #[requires_scope("admin", max_age = 300)]
    async fn delete_item(&self, request: Request<ItemRequest>) -> Result<Response<Item>, Status> {
        let principal = request.caller()?;
        let item = self.item(&request.get_ref().id, principal)?;
        self.prices
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&item.id);
        Ok(Response::new(item))
    }
}

/// The requirements of the method map: `GetItem` and `WatchPrices` need
/// `inventory:read`; `SetPrice` and `DeleteItem` any valid token (their
/// macro checks the rest); other methods are denied.
pub fn method_scopes() -> MethodScopes {
    MethodScopes::new()
        .method(GET_ITEM, "inventory:read")
        .method(WATCH_PRICES, "inventory:read")
        .authenticated(SET_PRICE)
        .authenticated(DELETE_ITEM)
        .unknown_methods(UnknownMethods::Deny)
}

/// The inventory service on an `axum::Router`, with no protection.
pub fn unprotected_routes(service: InventoryService) -> Router {
    let path = format!("/{}/{{*method}}", InventoryServer::<InventoryService>::NAME);
    Router::new().route_service(&path, InventoryServer::new(service))
}

/// The inventory service behind the method map and the authentication
/// layer; serve it with `tonic::service::Routes::from(router)`.
pub fn routes<V: TokenValidator>(service: InventoryService, authenticator: Authenticator<V>) -> Router {
    unprotected_routes(service)
        .layer(method_scopes())
        .layer(AuthLayer::from(authenticator))
}
