//! The conformance server of SPEC §7 on axum: the route table of §7, each
//! route protected with the mechanism the table names for axum.
//!
//! ```sh
//! SCOPEGUARD_ISSUER=https://idp.example SCOPEGUARD_AUDIENCE=https://api.example \
//!     cargo run --release -p scopeguard-examples --bin conformance-axum
//! ```
//!
//! The configuration comes from the environment; see
//! [`scopeguard_examples::conformance::config`].

use std::process::ExitCode;
use std::sync::{Arc, LazyLock};

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Json, Router};
use scopeguard_axum::core::Requirement;
use scopeguard_axum::{
    AuthLayer, AuthRejection, Authenticator, Principal, RequireScope, Scoped, metadata, requires_scope, scope,
};
use scopeguard_examples::conformance;
use scopeguard_examples::conformance::bodies::{MeBody, OrdersBody, RouteBody, View};
use scopeguard_examples::conformance::config::ConformanceConfig;
use scopeguard_examples::conformance::downstream::{
    BAD_GATEWAY_BODY, Downstream, DownstreamBody, DownstreamFailure,
};
use scopeguard_examples::conformance::site::{ResourceSite, RouteScopes};
use scopeguard_examples::conformance::{
    StartupError, announce, dpop_settings, fail, init_tracing, mtls_settings, validators,
};

const SERVER: &str = "conformance-axum";

scope!(ShippingAddress = "order:shipping:address");
scope!(ProductPriceUpdate = "urn:examplecompany:product_price:update");
scope!(ShippingForwarded = "order:shipping");

/// What `/orders` branches on: a token covering `order` sees everything.
static FULL_VIEW: LazyLock<Requirement> =
    LazyLock::new(|| Requirement::parse("order").expect("a valid requirement"));

async fn health() -> Json<RouteBody> {
    Json(RouteBody::anonymous("health"))
}

async fn me(principal: Principal) -> Json<MeBody> {
    Json(MeBody::new(&principal))
}

async fn order_items(principal: Principal) -> Json<RouteBody> {
    Json(RouteBody::new("order-items", &principal))
}

async fn shipping_address(scoped: Scoped<ShippingAddress>) -> Json<RouteBody> {
    Json(RouteBody::new("shipping-address", scoped.principal()))
}

#[requires_scope("inventory:price")]
async fn price_read(principal: Principal) -> Json<RouteBody> {
    Json(RouteBody::new("price-read", &principal))
}

#[requires_scope("inventory:price.write")]
async fn price_write(principal: Principal) -> Json<RouteBody> {
    Json(RouteBody::new("price-write", &principal))
}

#[requires_scope("transaction-{tx}")]
async fn transaction_approve(principal: Principal) -> Json<RouteBody> {
    Json(RouteBody::new("transaction-approve", &principal))
}

async fn private_catalog(principal: Principal) -> Json<RouteBody> {
    Json(RouteBody::new("private-catalog", &principal))
}

async fn product_price_update(scoped: Scoped<ProductPriceUpdate>) -> Json<RouteBody> {
    Json(RouteBody::new("product-price-update", scoped.principal()))
}

#[requires_scope(any("inventory:sales", "report:read"))]
async fn sales_report(principal: Principal) -> Json<RouteBody> {
    Json(RouteBody::new("sales-report", &principal))
}

async fn admin_audit(principal: Principal) -> Json<RouteBody> {
    Json(RouteBody::new("admin-audit", &principal))
}

#[requires_scope("user:write")]
async fn user_delete(principal: Principal) -> Json<RouteBody> {
    Json(RouteBody::new("user-delete", &principal))
}

#[requires_scope("payment.write", max_age = 300)]
async fn payment(principal: Principal) -> Json<RouteBody> {
    Json(RouteBody::new("payment", &principal))
}

async fn orders(principal: Principal) -> Json<OrdersBody> {
    let view = if principal.check(&FULL_VIEW, &()).is_ok() {
        View::Full
    } else {
        View::Summary
    };
    Json(OrdersBody::new(&principal, view))
}

async fn shipping_forwarded(
    scoped: Scoped<ShippingForwarded>,
    Extension(downstream): Extension<Arc<Downstream>>,
    Path(id): Path<String>,
) -> Response {
    downstream_answer(downstream.forwarded(scoped.principal(), &id).await)
}

#[requires_scope("order")]
async fn shipping_exchanged(
    principal: Principal,
    Extension(downstream): Extension<Arc<Downstream>>,
    Path(id): Path<String>,
) -> Response {
    downstream_answer(downstream.exchanged(&principal, &id).await)
}

/// The downstream's answer, the SPEC §4 answer of a failed exchange, or 502.
fn downstream_answer(outcome: Result<DownstreamBody, DownstreamFailure>) -> Response {
    match outcome {
        Ok(body) => Json(body).into_response(),
        Err(DownstreamFailure::Denied(error)) => AuthRejection::from(error).into_response(),
        Err(DownstreamFailure::BadGateway) => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "application/json")],
            BAD_GATEWAY_BODY,
        )
            .into_response(),
    }
}

async fn introspected_order_items(principal: Principal) -> Json<RouteBody> {
    Json(RouteBody::new("introspected-order-items", &principal))
}

/// The layers of the `RequireScope` routes.
struct Layers {
    order_items: RequireScope,
    private_catalog: RequireScope,
    admin_audit: RequireScope,
}

impl Layers {
    fn new() -> Self {
        Self {
            order_items: RequireScope::new("order:item"),
            private_catalog: RequireScope::new("https://www.examplecompany.com/private_catalog.readonly"),
            admin_audit: RequireScope::new("all(admin:read, audit:read)"),
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

async fn run() -> Result<(), StartupError> {
    let config = ConformanceConfig::from_env()?;
    let (listener, addr) = conformance::bind(&config).await?;

    let policy = Arc::new(validators::policy()?);
    let jwt = validators::jwt_validator(&config, Arc::clone(&policy)).await?;
    let introspection = config
        .introspection
        .as_ref()
        .map(|settings| validators::introspection_validator(&config, settings, Arc::clone(&policy)))
        .transpose()?;
    let downstream = config.downstream.as_ref().map(Downstream::new).transpose()?;
    let layers = Layers::new();
    let dpop = dpop_settings::dpop_config(addr).await?;
    let mtls = mtls_settings::mtls_config()?;
    let site = ResourceSite::new(addr, &config, layers.scopes(), dpop)?;

    let mut protected = Router::new()
        .route("/me", get(me))
        .route("/orders", get(orders))
        .route(
            "/orders/{id}/items",
            get(order_items).route_layer(layers.order_items.clone()),
        )
        .route("/orders/{id}/shipping/address", get(shipping_address))
        .route("/inventory/{id}/price", get(price_read).put(price_write))
        .route("/transactions/{tx}/approve", post(transaction_approve))
        .route(
            "/catalog/private",
            get(private_catalog).route_layer(layers.private_catalog),
        )
        .route("/product-prices", post(product_price_update))
        .route("/reports/sales", get(sales_report))
        .route("/admin/audit", get(admin_audit).route_layer(layers.admin_audit))
        .route("/users/{id}", delete(user_delete))
        .route("/payments", post(payment));
    if let Some(downstream) = downstream {
        protected = protected
            .route("/orders/{id}/shipping/forwarded", get(shipping_forwarded))
            .route("/orders/{id}/shipping/exchanged", get(shipping_exchanged))
            .layer(Extension(Arc::new(downstream)));
    }
    let protected = protected.layer(AuthLayer::from(
        Authenticator::new(jwt)
            .challenge(site.challenge.clone())
            .dpop(site.dpop.clone())
            .mtls(mtls.clone()),
    ));
    let mut app = Router::new()
        .route("/health", get(health))
        .merge(metadata::router(site.document.clone()))
        .merge(protected);
    if let Some(introspection) = introspection {
        app = app.merge(
            Router::new()
                .route(
                    "/introspected/orders/{id}/items",
                    get(introspected_order_items).route_layer(layers.order_items),
                )
                .layer(AuthLayer::from(
                    Authenticator::new(introspection)
                        .challenge(site.challenge.clone())
                        .dpop(site.dpop.clone())
                        .mtls(mtls.clone()),
                )),
        );
    }

    tracing::info!(resource = %site.resource, issuer = %config.issuer, "conformance server ready");
    announce(addr);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await
    .map_err(StartupError::Serve)
}

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(SERVER, &error),
    }
}
