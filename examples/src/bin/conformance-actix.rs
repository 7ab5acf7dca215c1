//! The conformance server of SPEC §7 on actix-web: the route table of §7,
//! each route protected with the mechanism the table names for actix.
//!
//! ```sh
//! SCOPEGUARD_ISSUER=https://idp.example SCOPEGUARD_AUDIENCE=https://api.example \
//!     cargo run --release -p scopeguard-examples --bin conformance-actix
//! ```
//!
//! The configuration comes from the environment; see
//! [`scopeguard_examples::conformance::config`].

use std::process::ExitCode;
use std::sync::Arc;

use actix_web::http::header::ContentType;
use actix_web::{App, HttpResponse, HttpServer, ResponseError, web};
use scopeguard_actix::{
    AuthMiddleware, AuthRejection, Authenticator, Principal, RequireScope, ScopeGuard, Scoped, metadata,
    requires_scope, scope,
};
use scopeguard_examples::conformance::bodies::{MeBody, OrdersBody, RouteBody, View};
use scopeguard_examples::conformance::config::ConformanceConfig;
use scopeguard_examples::conformance::downstream::{
    BAD_GATEWAY_BODY, Downstream, DownstreamBody, DownstreamFailure,
};
use scopeguard_examples::conformance::site::{ResourceSite, RouteScopes};
use scopeguard_examples::conformance::{
    StartupError, announce, dpop_settings, fail, init_tracing, mtls_settings, validators,
};

const SERVER: &str = "conformance-actix";

scope!(ShippingAddress = "order:shipping:address");
scope!(ProductPriceUpdate = "urn:examplecompany:product_price:update");
scope!(ShippingForwarded = "order:shipping");

fn route(name: &'static str, principal: &Principal) -> HttpResponse {
    HttpResponse::Ok().json(RouteBody::new(name, principal))
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(RouteBody::anonymous("health"))
}

async fn me(principal: Principal) -> HttpResponse {
    HttpResponse::Ok().json(MeBody::new(&principal))
}

async fn order_items(principal: Principal) -> HttpResponse {
    route("order-items", &principal)
}

async fn shipping_address(scoped: Scoped<ShippingAddress>) -> HttpResponse {
    HttpResponse::Ok().json(RouteBody::new("shipping-address", scoped.principal()))
}

#[requires_scope("inventory:price")]
async fn price_read(principal: Principal) -> HttpResponse {
    route("price-read", &principal)
}

#[requires_scope("inventory:price.write")]
async fn price_write(principal: Principal) -> HttpResponse {
    route("price-write", &principal)
}

#[requires_scope("transaction-{tx}")]
async fn transaction_approve(principal: Principal) -> HttpResponse {
    route("transaction-approve", &principal)
}

async fn private_catalog(principal: Principal) -> HttpResponse {
    route("private-catalog", &principal)
}

async fn product_price_update(scoped: Scoped<ProductPriceUpdate>) -> HttpResponse {
    HttpResponse::Ok().json(RouteBody::new("product-price-update", scoped.principal()))
}

#[requires_scope(any("inventory:sales", "report:read"))]
async fn sales_report(principal: Principal) -> HttpResponse {
    route("sales-report", &principal)
}

async fn admin_audit(principal: Principal) -> HttpResponse {
    route("admin-audit", &principal)
}

#[requires_scope("user:write")]
async fn user_delete(principal: Principal) -> HttpResponse {
    route("user-delete", &principal)
}

#[requires_scope("payment.write", max_age = 300)]
async fn payment(principal: Principal) -> HttpResponse {
    route("payment", &principal)
}

/// `/orders` for a token covering `order` (chosen by [`ScopeGuard`]).
async fn orders_full(principal: Principal) -> HttpResponse {
    HttpResponse::Ok().json(OrdersBody::new(&principal, View::Full))
}

/// `/orders` for any other valid token.
async fn orders_summary(principal: Principal) -> HttpResponse {
    HttpResponse::Ok().json(OrdersBody::new(&principal, View::Summary))
}

async fn shipping_forwarded(
    scoped: Scoped<ShippingForwarded>,
    downstream: web::Data<Downstream>,
    id: web::Path<String>,
) -> HttpResponse {
    downstream_answer(downstream.forwarded(scoped.principal(), &id).await)
}

#[requires_scope("order")]
async fn shipping_exchanged(
    principal: Principal,
    downstream: web::Data<Downstream>,
    id: web::Path<String>,
) -> HttpResponse {
    downstream_answer(downstream.exchanged(&principal, &id).await)
}

/// The downstream's answer, the SPEC §4 answer of a failed exchange, or 502.
fn downstream_answer(outcome: Result<DownstreamBody, DownstreamFailure>) -> HttpResponse {
    match outcome {
        Ok(body) => HttpResponse::Ok().json(body),
        Err(DownstreamFailure::Denied(error)) => AuthRejection::from(error).error_response(),
        Err(DownstreamFailure::BadGateway) => HttpResponse::BadGateway()
            .content_type(ContentType::json())
            .body(BAD_GATEWAY_BODY),
    }
}

async fn introspected_order_items(principal: Principal) -> HttpResponse {
    route("introspected-order-items", &principal)
}

/// The middleware of the `RequireScope` routes.
#[derive(Clone)]
struct Layers {
    order_items: RequireScope,
    private_catalog: RequireScope,
    admin_audit: RequireScope,
    full_view: ScopeGuard,
}

impl Layers {
    fn new() -> Self {
        Self {
            order_items: RequireScope::new("order:item"),
            private_catalog: RequireScope::new("https://www.examplecompany.com/private_catalog.readonly"),
            admin_audit: RequireScope::new("all(admin:read, audit:read)"),
            full_view: ScopeGuard::new("order"),
        }
    }

    /// Every scope the routes require.
    fn scopes(&self) -> Vec<String> {
        RouteScopes::new()
            .layer(self.order_items.requirement())
            .layer(self.private_catalog.requirement())
            .layer(self.admin_audit.requirement())
            .extractor::<ShippingAddress>()
            .extractor::<ProductPriceUpdate>()
            .extractor::<ShippingForwarded>()
            .declared_in(module_path!())
            .scopes()
    }
}

/// The routes behind the JWT authentication middleware; the downstream
/// routes when there is a downstream API.
fn protected(config: &mut web::ServiceConfig, layers: &Layers, downstream: Option<&web::Data<Downstream>>) {
    if let Some(downstream) = downstream {
        config
            .app_data(downstream.clone())
            .route(
                "/orders/{id}/shipping/forwarded",
                web::get().to(shipping_forwarded),
            )
            .route(
                "/orders/{id}/shipping/exchanged",
                web::get().to(shipping_exchanged),
            );
    }
    config
        .route("/me", web::get().to(me))
        .service(
            web::resource("/orders")
                .route(web::get().guard(layers.full_view.clone()).to(orders_full))
                .route(web::get().to(orders_summary)),
        )
        .service(
            web::resource("/orders/{id}/items")
                .wrap(layers.order_items.clone())
                .route(web::get().to(order_items)),
        )
        .route("/orders/{id}/shipping/address", web::get().to(shipping_address))
        .service(
            web::resource("/inventory/{id}/price")
                .route(web::get().to(price_read))
                .route(web::put().to(price_write)),
        )
        .route("/transactions/{tx}/approve", web::post().to(transaction_approve))
        .service(
            web::resource("/catalog/private")
                .wrap(layers.private_catalog.clone())
                .route(web::get().to(private_catalog)),
        )
        .route("/product-prices", web::post().to(product_price_update))
        .route("/reports/sales", web::get().to(sales_report))
        .service(
            web::resource("/admin/audit")
                .wrap(layers.admin_audit.clone())
                .route(web::get().to(admin_audit)),
        )
        .route("/users/{id}", web::delete().to(user_delete))
        .route("/payments", web::post().to(payment));
}

async fn run() -> Result<(), StartupError> {
    let config = ConformanceConfig::from_env()?;
    let listener = std::net::TcpListener::bind(config.addr).map_err(|source| StartupError::Bind {
        addr: config.addr,
        source,
    })?;
    let addr = listener.local_addr().map_err(StartupError::Serve)?;

    let policy = Arc::new(validators::policy()?);
    let jwt = Arc::new(validators::jwt_validator(&config, Arc::clone(&policy)).await?);
    let introspection = config
        .introspection
        .as_ref()
        .map(|settings| validators::introspection_validator(&config, settings, Arc::clone(&policy)))
        .transpose()?
        .map(Arc::new);
    let downstream = config
        .downstream
        .as_ref()
        .map(Downstream::new)
        .transpose()?
        .map(web::Data::new);
    let layers = Layers::new();
    let dpop = dpop_settings::dpop_config(addr).await?;
    let mtls = mtls_settings::mtls_config()?;
    let site = ResourceSite::new(addr, &config, layers.scopes(), dpop)?;

    let shared_site = site.clone();
    let server = HttpServer::new(move || {
        let site = &shared_site;
        let mut app = App::new()
            .route("/health", web::get().to(health))
            .service(metadata::service(site.document.clone()));
        if let Some(introspection) = &introspection {
            app = app.service(
                web::scope("/introspected")
                    .wrap(AuthMiddleware::from(
                        Authenticator::from_shared(Arc::clone(introspection))
                            .challenge(site.challenge.clone())
                            .dpop(site.dpop.clone())
                            .mtls(mtls.clone()),
                    ))
                    .service(
                        web::resource("/orders/{id}/items")
                            .wrap(layers.order_items.clone())
                            .route(web::get().to(introspected_order_items)),
                    ),
            );
        }
        let layers = layers.clone();
        let downstream = downstream.clone();
        app.service(
            web::scope("")
                .wrap(AuthMiddleware::from(
                    Authenticator::from_shared(Arc::clone(&jwt))
                        .challenge(site.challenge.clone())
                        .dpop(site.dpop.clone())
                        .mtls(mtls.clone()),
                ))
                .configure(move |config| protected(config, &layers, downstream.as_ref())),
        )
    })
    .listen(listener)
    .map_err(StartupError::Serve)?
    .run();

    tracing::info!(resource = %site.resource, issuer = %config.issuer, "conformance server ready");
    announce(addr);
    server.await.map_err(StartupError::Serve)
}

#[actix_web::main]
async fn main() -> ExitCode {
    init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(SERVER, &error),
    }
}
