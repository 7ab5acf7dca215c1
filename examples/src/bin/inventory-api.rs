//! The inventory API on axum: orders, shipping, inventory and prices,
//! supplier sales reports, transaction approvals and payments, each route
//! protected by a scope with one of the three mechanisms of
//! `scopeguard-axum`: the `#[requires_scope]` macro, a `RequireScope` route
//! layer, or the `Scoped<R>` extractor.
//!
//! ```sh
//! cargo run -p scopeguard-examples --bin inventory-api
//! ```
//!
//! With no configuration it starts an embedded development issuer on
//! loopback and prints, for each persona, `curl` lines with fresh tokens and
//! the status each answers. With `SCOPEGUARD_ISSUER` and
//! `SCOPEGUARD_AUDIENCE` (and optionally `SCOPEGUARD_JWKS_URL`) it trusts
//! that provider instead; see [`scopeguard_examples::demo::config`].

use std::process::ExitCode;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use scopeguard_axum::{
    AuthLayer, AuthRejection, JwtValidator, Principal, RequireScope, Scoped, requires_scope, scope,
};
use scopeguard_examples::demo::config::DemoConfig;
use scopeguard_examples::demo::error::DemoError;
use scopeguard_examples::demo::logging::{allowed, init_tracing};
use scopeguard_examples::demo::shipping::{ShippingClient, TrackingError};
use scopeguard_examples::demo::startup::Demo;
use scopeguard_examples::demo::store::{
    Address, Order, OrderItem, PaymentRequest, Price, Receipt, SalesLine, ShippingStatus, StockItem, Store,
};

const DEMO: &str = "inventory-api";

scope!(ShippingAddress = "order:shipping:address");
scope!(PriceWrite = "inventory:price.write");

type Shop = State<Arc<Store>>;
type Found<T> = Result<Json<T>, StatusCode>;

fn found<T>(value: Option<T>) -> Found<T> {
    value.map(Json).ok_or(StatusCode::NOT_FOUND)
}

async fn health() -> &'static str {
    "ok"
}

async fn me(principal: Principal) -> Json<Receipt> {
    allowed("me", principal.sub());
    Json(Receipt {
        done: format!("signed in with scopes {}", principal.scopes()),
        by: principal.sub().map(str::to_owned),
    })
}

#[requires_scope("order")]
async fn order(principal: Principal, State(store): Shop, Path(id): Path<u32>) -> Found<Order> {
    allowed("order", principal.sub());
    found(store.order(id))
}

/// Behind `RequireScope::new("order:item")`.
async fn order_items(principal: Principal, State(store): Shop, Path(id): Path<u32>) -> Found<Vec<OrderItem>> {
    allowed("order-items", principal.sub());
    found(store.order(id).map(|order| order.items))
}

/// Behind `RequireScope::new("order:shipping:status")`.
async fn shipping_status(
    principal: Principal,
    State(store): Shop,
    Path(id): Path<u32>,
) -> Found<ShippingStatus> {
    allowed("shipping-status", principal.sub());
    found(store.order(id).map(|order| order.shipping))
}

async fn shipping_address(
    scoped: Scoped<ShippingAddress>,
    State(store): Shop,
    Path(id): Path<u32>,
) -> Found<Address> {
    allowed("shipping-address", scoped.principal().sub());
    found(store.order(id).map(|order| order.address))
}

/// Calls the shipping API with the caller's token exchanged for
/// `order:shipping` only; a failed exchange answers as SPEC §4 says.
#[requires_scope("order:shipping")]
async fn shipping_tracking(
    principal: Principal,
    Extension(shipping): Extension<Arc<ShippingClient>>,
    Path(id): Path<u32>,
) -> Response {
    allowed("shipping-tracking", principal.sub());
    match shipping.tracking(&principal, id).await {
        Ok(tracking) => Json(tracking).into_response(),
        Err(TrackingError::Exchange(error)) => AuthRejection::from(error).into_response(),
        Err(TrackingError::ShippingApi) => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"error":"bad_gateway"}"#,
        )
            .into_response(),
    }
}

/// Behind `RequireScope::new("inventory")`.
async fn stock(principal: Principal, State(store): Shop, Path(sku): Path<String>) -> Found<StockItem> {
    allowed("stock", principal.sub());
    found(store.stock(&sku))
}

#[requires_scope("inventory:price")]
async fn price(principal: Principal, State(store): Shop, Path(sku): Path<String>) -> Found<Price> {
    allowed("price-read", principal.sub());
    found(store.stock(&sku).map(|item| Price {
        cents: item.price_cents,
    }))
}

/// The scope is checked before the JSON body is read: a caller without it
/// gets 403 whatever the body.
async fn set_price(
    scoped: Scoped<PriceWrite>,
    State(store): Shop,
    Path(sku): Path<String>,
    Json(price): Json<Price>,
) -> Found<Price> {
    allowed("price-write", scoped.principal().sub());
    found(store.set_price(&sku, &price))
}

#[requires_scope(any("inventory:sales", "report:read"))]
async fn sales_report(principal: Principal, State(store): Shop) -> Json<Vec<SalesLine>> {
    allowed("sales-report", principal.sub());
    Json(store.sales_report())
}

#[requires_scope("transaction-{tx}")]
async fn approve(principal: Principal, Path(tx): Path<String>) -> Json<Receipt> {
    allowed("transaction-approve", principal.sub());
    Json(Receipt {
        done: format!("approved transaction {tx}"),
        by: principal.sub().map(str::to_owned),
    })
}

#[requires_scope("payment.write", max_age = 300)]
async fn pay(principal: Principal, Json(payment): Json<PaymentRequest>) -> Json<Receipt> {
    allowed("payment", principal.sub());
    Json(Receipt {
        done: format!("paid {} cents for order {}", payment.cents, payment.order),
        by: principal.sub().map(str::to_owned),
    })
}

/// The API: every route but `/health` behind the authentication layer;
/// the shipping calls when there is a shipping API.
fn app(validator: JwtValidator, store: Arc<Store>, shipping: Option<Arc<ShippingClient>>) -> Router {
    let mut protected = Router::new()
        .route("/me", get(me))
        .route("/orders/{id}", get(order))
        .route(
            "/orders/{id}/items",
            get(order_items).route_layer(RequireScope::new("order:item")),
        )
        .route(
            "/orders/{id}/shipping/status",
            get(shipping_status).route_layer(RequireScope::new("order:shipping:status")),
        )
        .route("/orders/{id}/shipping/address", get(shipping_address))
        .route(
            "/inventory/{sku}",
            get(stock).route_layer(RequireScope::new("inventory")),
        )
        .route("/inventory/{sku}/price", get(price).put(set_price))
        .route("/reports/sales", get(sales_report))
        .route("/transactions/{tx}/approve", post(approve))
        .route("/payments", post(pay));
    if let Some(shipping) = shipping {
        protected = protected
            .route("/orders/{id}/shipping/tracking", get(shipping_tracking))
            .layer(Extension(shipping));
    }
    let protected = protected.layer(AuthLayer::new(validator));
    Router::new()
        .route("/health", get(health))
        .merge(protected)
        .with_state(store)
}

async fn run() -> Result<(), DemoError> {
    let config = DemoConfig::from_env()?;
    let demo = Demo::start(&config).await?;
    demo.announce("inventory-api (axum)");
    // `_issuer` serves the development keys, and `shipping` the shipping
    // API, until the server stops.
    let Demo {
        listener,
        validator,
        issuer: _issuer,
        shipping,
        ..
    } = demo;
    let client = shipping.as_ref().map(|shipping| Arc::clone(&shipping.client));
    listener.set_nonblocking(true).map_err(DemoError::Serve)?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(DemoError::Serve)?;
    axum::serve(listener, app(validator, Arc::new(Store::demo()), client))
        .await
        .map_err(DemoError::Serve)
}

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => error.report(DEMO),
    }
}
