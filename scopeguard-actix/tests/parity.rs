//! The shared SPEC §4 case table against the actix app (the axum suite runs
//! the same table).

#[path = "../../test-support/shared/cases.rs"]
mod cases;
mod support;

use actix_web::{App, test, web};
use scopeguard_actix::Authenticator;
use scopeguard_actix::{
    AuthMiddleware, ChallengeConfig, Principal, RequireScope, Scoped, requires_scope, scope,
};
use support::FixedTokens;

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

async fn run(challenge: ChallengeConfig, table: &[cases::Case]) {
    let app = test::init_service(
        App::new()
            .service(
                web::resource("/orders/{id}/items")
                    .wrap(RequireScope::new("order:item"))
                    .route(web::get().to(|| async { "items" })),
            )
            .route(
                "/orders/{id}/shipping/address",
                web::get().to(|_: Scoped<ShippingAddress>| async { "address" }),
            )
            .service(
                web::resource("/transactions/{tx}/approve")
                    .wrap(RequireScope::new("transaction-{tx}"))
                    .route(web::post().to(|| async { "approved" })),
            )
            .route("/payments", web::post().to(|_: Scoped<Payment>| async { "paid" }))
            .route(
                "/wire-transfers",
                web::post().to(|_: Scoped<WireTransfer>| async { "sent" }),
            )
            .route(
                "/reports/sales",
                web::get().to(|_: Scoped<Sales>| async { "sales" }),
            )
            .route("/inventory/{id}/price", web::put().to(set_price))
            .route("/refunds/{tx}", web::post().to(refund))
            .route("/card-payments", web::post().to(card_payment))
            .route("/audit/log", web::get().to(audit_log))
            .route("/audit/summary", web::get().to(audit_summary))
            .route(
                "/me",
                web::get()
                    .to(|principal: Principal| async move { principal.sub().unwrap_or_default().to_owned() }),
            )
            .route("/health", web::get().to(|| async { "ok" }))
            .wrap(AuthMiddleware::from(
                Authenticator::new(FixedTokens).challenge(challenge),
            )),
    )
    .await;
    for case in table {
        let answer = support::call(&app, case.method, case.path, case.authorization_values(), "").await;
        case.assert_answer(answer.parts());
    }
}

#[actix_web::test]
async fn every_case_of_the_table() {
    let challenge = ChallengeConfig::builder().realm("parity").build().expect("realm");
    run(challenge, cases::CASES).await;
}

#[actix_web::test]
async fn template_values_are_checked_percent_decoded() {
    let challenge = ChallengeConfig::builder().realm("parity").build().expect("realm");
    run(challenge, cases::DECODED_TEMPLATE_CASES).await;
}

#[actix_web::test]
async fn every_challenge_names_the_resource_metadata() {
    let challenge = ChallengeConfig::builder()
        .realm("parity")
        .resource_metadata(cases::RESOURCE_METADATA)
        .build()
        .expect("a valid configuration");
    run(challenge, cases::METADATA_CASES).await;
}
