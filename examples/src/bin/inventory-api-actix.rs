//! The inventory API on actix-web: the same routes, scopes and answers as
//! `inventory-api` (axum), protected with the mechanisms of
//! `scopeguard-actix`: the `#[requires_scope]` macro (alone and with actix's
//! routing macros), `RequireScope` middleware on a resource, and the
//! `Scoped<R>` extractor, behind one `AuthMiddleware`.
//!
//! ```sh
//! cargo run -p scopeguard-examples --bin inventory-api-actix
//! ```
//!
//! The configuration and the printed walkthrough are those of
//! `inventory-api`; see [`scopeguard_examples::demo`].

use std::process::ExitCode;
use std::sync::Arc;

use actix_web::http::header::ContentType;
use actix_web::{App, HttpResponse, HttpServer, ResponseError, get, post, web};
use scopeguard_actix::{
    AuthMiddleware, AuthRejection, JwtValidator, Principal, RequireScope, Scoped, requires_scope, scope,
};
use scopeguard_examples::demo::config::DemoConfig;
use scopeguard_examples::demo::error::DemoError;
use scopeguard_examples::demo::logging::{allowed, init_tracing};
use scopeguard_examples::demo::shipping::{ShippingClient, TrackingError};
use scopeguard_examples::demo::startup::Demo;
use scopeguard_examples::demo::store::{PaymentRequest, Price, Receipt, Store};
use serde::Serialize;

const DEMO: &str = "inventory-api-actix";

scope!(ShippingAddress = "order:shipping:address");
scope!(PriceWrite = "inventory:price.write");

type Shop = web::Data<Store>;

/// 200 with `value` as JSON, or 404.
fn found<T: Serialize>(value: Option<T>) -> HttpResponse {
    value.map_or_else(
        || HttpResponse::NotFound().finish(),
        |value| HttpResponse::Ok().json(value),
    )
}

async fn health() -> &'static str {
    "ok"
}

async fn me(principal: Principal) -> HttpResponse {
    allowed("me", principal.sub());
    HttpResponse::Ok().json(Receipt {
        done: format!("signed in with scopes {}", principal.scopes()),
        by: principal.sub().map(str::to_owned),
    })
}

#[get("/orders/{id}")]
#[requires_scope("order")]
async fn whole_order(principal: Principal, store: Shop, id: web::Path<u32>) -> HttpResponse {
    allowed("order", principal.sub());
    found(store.order(*id))
}

/// Behind `RequireScope::new("order:item")`.
async fn order_items(principal: Principal, store: Shop, id: web::Path<u32>) -> HttpResponse {
    allowed("order-items", principal.sub());
    found(store.order(*id).map(|order| order.items))
}

/// Behind `RequireScope::new("order:shipping:status")`.
async fn shipping_status(principal: Principal, store: Shop, id: web::Path<u32>) -> HttpResponse {
    allowed("shipping-status", principal.sub());
    found(store.order(*id).map(|order| order.shipping))
}

async fn shipping_address(scoped: Scoped<ShippingAddress>, store: Shop, id: web::Path<u32>) -> HttpResponse {
    allowed("shipping-address", scoped.principal().sub());
    found(store.order(*id).map(|order| order.address))
}

/// Calls the shipping API with the caller's token exchanged for
/// `order:shipping` only; a failed exchange answers as SPEC §4 says.
#[requires_scope("order:shipping")]
async fn shipping_tracking(
    principal: Principal,
    shipping: web::Data<ShippingClient>,
    id: web::Path<u32>,
) -> HttpResponse {
    allowed("shipping-tracking", principal.sub());
    match shipping.tracking(&principal, *id).await {
        Ok(tracking) => HttpResponse::Ok().json(tracking),
        Err(TrackingError::Exchange(error)) => AuthRejection::from(error).error_response(),
        Err(TrackingError::ShippingApi) => HttpResponse::BadGateway()
            .content_type(ContentType::json())
            .body(r#"{"error":"bad_gateway"}"#),
    }
}

/// Behind `RequireScope::new("inventory")`.
async fn stock(principal: Principal, store: Shop, sku: web::Path<String>) -> HttpResponse {
    allowed("stock", principal.sub());
    found(store.stock(&sku))
}

#[requires_scope("inventory:price")]
async fn price(principal: Principal, store: Shop, sku: web::Path<String>) -> HttpResponse {
    allowed("price-read", principal.sub());
    found(store.stock(&sku).map(|item| Price {
        cents: item.price_cents,
    }))
}

/// The scope is extracted before the JSON body: a caller without it gets
/// 403 whatever the body.
async fn set_price(
    scoped: Scoped<PriceWrite>,
    store: Shop,
    sku: web::Path<String>,
    price: web::Json<Price>,
) -> HttpResponse {
    allowed("price-write", scoped.principal().sub());
    found(store.set_price(&sku, &price))
}

#[get("/reports/sales")]
#[requires_scope(any("inventory:sales", "report:read"))]
async fn sales_report(principal: Principal, store: Shop) -> HttpResponse {
    allowed("sales-report", principal.sub());
    HttpResponse::Ok().json(store.sales_report())
}

#[post("/transactions/{tx}/approve")]
#[requires_scope("transaction-{tx}")]
async fn approve(principal: Principal, tx: web::Path<String>) -> HttpResponse {
    allowed("transaction-approve", principal.sub());
    HttpResponse::Ok().json(Receipt {
        done: format!("approved transaction {tx}"),
        by: principal.sub().map(str::to_owned),
    })
}

#[post("/payments")]
#[requires_scope("payment.write", max_age = 300)]
async fn pay(principal: Principal, payment: web::Json<PaymentRequest>) -> HttpResponse {
    allowed("payment", principal.sub());
    HttpResponse::Ok().json(Receipt {
        done: format!("paid {} cents for order {}", payment.cents, payment.order),
        by: principal.sub().map(str::to_owned),
    })
}

/// The routes behind the authentication middleware; the shipping calls
/// when there is a shipping API.
fn protected(config: &mut web::ServiceConfig, shipping: Option<&web::Data<ShippingClient>>) {
    if let Some(shipping) = shipping {
        config
            .app_data(shipping.clone())
            .route("/orders/{id}/shipping/tracking", web::get().to(shipping_tracking));
    }
    config
        .route("/me", web::get().to(me))
        .service(whole_order)
        .service(
            web::resource("/orders/{id}/items")
                .wrap(RequireScope::new("order:item"))
                .route(web::get().to(order_items)),
        )
        .service(
            web::resource("/orders/{id}/shipping/status")
                .wrap(RequireScope::new("order:shipping:status"))
                .route(web::get().to(shipping_status)),
        )
        .route("/orders/{id}/shipping/address", web::get().to(shipping_address))
        .service(
            web::resource("/inventory/{sku}")
                .wrap(RequireScope::new("inventory"))
                .route(web::get().to(stock)),
        )
        .service(
            web::resource("/inventory/{sku}/price")
                .route(web::get().to(price))
                .route(web::put().to(set_price)),
        )
        .service(sales_report)
        .service(approve)
        .service(pay);
}

async fn serve(
    listener: std::net::TcpListener,
    validator: JwtValidator,
    shipping: Option<web::Data<ShippingClient>>,
) -> Result<(), DemoError> {
    let validator = Arc::new(validator);
    let store = web::Data::new(Store::demo());
    HttpServer::new(move || {
        let shipping = shipping.clone();
        App::new()
            .app_data(store.clone())
            .route("/health", web::get().to(health))
            .service(
                web::scope("")
                    .wrap(AuthMiddleware::from_shared(Arc::clone(&validator)))
                    .configure(move |config| protected(config, shipping.as_ref())),
            )
    })
    .workers(2)
    .listen(listener)
    .map_err(DemoError::Serve)?
    .run()
    .await
    .map_err(DemoError::Serve)
}

async fn run() -> Result<(), DemoError> {
    let config = DemoConfig::from_env()?;
    let demo = Demo::start(&config).await?;
    demo.announce("inventory-api-actix (actix-web)");
    // `_issuer` serves the development keys, and `shipping` the shipping
    // API, until the server stops.
    let Demo {
        listener,
        validator,
        issuer: _issuer,
        shipping,
        ..
    } = demo;
    let client = shipping
        .as_ref()
        .map(|shipping| web::Data::from(Arc::clone(&shipping.client)));
    serve(listener, validator, client).await
}

#[actix_web::main]
async fn main() -> ExitCode {
    init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => error.report(DEMO),
    }
}
