//! The shared SPEC §4 case table against the axum app (the actix suite runs
//! the same table).

mod support;

#[path = "../../test-support/shared/cases.rs"]
mod cases;

use axum::Router;
use axum::routing::{get, post, put};
use scopeguard_axum::Authenticator;
use scopeguard_axum::{AuthLayer, ChallengeConfig, Principal, RequireScope, Scoped, requires_scope, scope};
use support::{FixedTokens, send_with_headers};

scope!(ShippingAddress = "order:shipping:address");
scope!(Payment = "payment.write", max_age = 300);
scope!(WireTransfer = "payment.write", max_age = 300, acr = "phr");
scope!(Sales = any("inventory:sales", "report:read"));

#[requires_scope("inventory:price.write")]
async fn set_price() -> &'static str {
    "price set"
}

#[requires_scope("transaction-{tx}")]
async fn refund() -> &'static str {
    "refunded"
}

#[requires_scope("payment.write", acr = "phr")]
async fn card_payment() -> &'static str {
    "card charged"
}

#[requires_scope("admin:read", "audit:read")]
async fn audit_log() -> &'static str {
    "audit log"
}

#[requires_scope(any(all("admin:read", "audit:read"), "report:read"))]
async fn audit_summary() -> &'static str {
    "audit summary"
}

fn app(challenge: ChallengeConfig) -> Router {
    Router::new()
        .route(
            "/orders/{id}/items",
            get(|| async { "items" }).route_layer(RequireScope::new("order:item")),
        )
        .route(
            "/orders/{id}/shipping/address",
            get(|_: Scoped<ShippingAddress>| async { "address" }),
        )
        .route(
            "/transactions/{tx}/approve",
            post(|| async { "approved" }).route_layer(RequireScope::new("transaction-{tx}")),
        )
        .route("/payments", post(|_: Scoped<Payment>| async { "paid" }))
        .route(
            "/wire-transfers",
            post(|_: Scoped<WireTransfer>| async { "sent" }),
        )
        .route("/reports/sales", get(|_: Scoped<Sales>| async { "sales" }))
        .route("/inventory/{id}/price", put(set_price))
        .route("/refunds/{tx}", post(refund))
        .route("/card-payments", post(card_payment))
        .route("/audit/log", get(audit_log))
        .route("/audit/summary", get(audit_summary))
        .route(
            "/me",
            get(|principal: Principal| async move { principal.sub().unwrap_or_default().to_owned() }),
        )
        .route("/health", get(|| async { "ok" }))
        .layer(AuthLayer::from(
            Authenticator::new(FixedTokens).challenge(challenge),
        ))
}

async fn run(app: Router, table: &[cases::Case]) {
    for case in table {
        let answer = send_with_headers(&app, case.method, case.path, case.authorization_values(), "").await;
        case.assert_answer(answer.parts());
    }
}

#[tokio::test]
async fn every_case_of_the_table() {
    let challenge = ChallengeConfig::builder().realm("parity").build().expect("realm");
    run(app(challenge), cases::CASES).await;
}

#[tokio::test]
async fn template_values_are_checked_percent_decoded() {
    let challenge = ChallengeConfig::builder().realm("parity").build().expect("realm");
    run(app(challenge), cases::DECODED_TEMPLATE_CASES).await;
}

#[tokio::test]
async fn every_challenge_names_the_resource_metadata() {
    let challenge = ChallengeConfig::builder()
        .realm("parity")
        .resource_metadata(cases::RESOURCE_METADATA)
        .build()
        .expect("a valid configuration");
    run(app(challenge), cases::METADATA_CASES).await;
}
