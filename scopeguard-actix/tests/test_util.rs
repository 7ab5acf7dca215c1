//! SPEC §8 with actix-web: tokens minted by the in-memory issuer drive
//! protected handlers through the real validator.
#![cfg(feature = "test-util")]

mod support;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, test, web};
use scopeguard_actix::core::validation::keys::{KeySet, StaticKeys};
use scopeguard_actix::test_util::TestIssuer;
use scopeguard_actix::{AuthMiddleware, JwtValidator, Principal, RequireScope, Scoped, scope};
use serde_json::json;
use support::get;

scope!(PriceWrite = "inventory:price.write");

/// The handler's own claims type, read from the token.
#[derive(serde::Deserialize)]
struct TenantClaims {
    sub: String,
    tenant: String,
}

async fn update_price(scoped: Scoped<PriceWrite, TenantClaims>) -> String {
    format!("{} {}", scoped.claims.sub, scoped.claims.tenant)
}

async fn me(principal: Principal) -> String {
    principal.client_id().unwrap_or_default().to_owned()
}

async fn service(
    validator: JwtValidator,
) -> impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>
{
    test::init_service(
        App::new()
            .service(
                web::resource("/orders/{id}/items")
                    .wrap(RequireScope::new("order:item"))
                    .route(web::get().to(|| async { "items" })),
            )
            .route("/inventory/{id}/price", web::get().to(update_price))
            .route("/me", web::get().to(me))
            .wrap(AuthMiddleware::new(validator)),
    )
    .await
}

#[actix_web::test]
async fn a_minted_token_with_the_scope_reaches_the_handler() {
    let issuer = TestIssuer::new();
    let app = service(issuer.validator()).await;
    let token = issuer
        .token()
        .sub("alice")
        .client_id("web")
        .scopes("order inventory:price.write")
        .claim("tenant", json!("acme"))
        .sign();

    assert_eq!(
        get(&app, "/orders/1/items", Some(&token)).await.status,
        StatusCode::OK
    );
    let price = get(&app, "/inventory/1/price", Some(&token)).await;
    assert_eq!(
        (price.status, price.body.as_str()),
        (StatusCode::OK, "alice acme")
    );
    assert_eq!(get(&app, "/me", Some(&token)).await.body, "web");
}

#[actix_web::test]
async fn a_minted_token_without_the_scope_is_403_insufficient_scope() {
    let issuer = TestIssuer::new();
    let app = service(issuer.validator()).await;
    let token = issuer.token().scopes("order inventory:price").sign();

    let answer = get(&app, "/inventory/1/price", Some(&token)).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let challenge = answer.challenge.expect("a challenge");
    assert!(challenge.contains(r#"error="insufficient_scope""#), "{challenge}");
    assert!(
        challenge.contains(r#"scope="inventory:price.write""#),
        "{challenge}"
    );
}

#[actix_web::test]
async fn an_expired_minted_token_is_401_invalid_token() {
    let issuer = TestIssuer::new();
    let app = service(issuer.validator()).await;
    let token = issuer.token().scopes("order").expired().sign();

    let answer = get(&app, "/orders/1/items", Some(&token)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let challenge = answer.challenge.expect("a challenge");
    assert!(challenge.contains(r#"error="invalid_token""#), "{challenge}");
}

#[actix_web::test]
async fn a_token_of_another_test_issuer_is_401() {
    let (trusted, other) = (TestIssuer::new(), TestIssuer::new());
    let app = service(trusted.validator()).await;
    let token = other.token().scopes("order").sign();
    assert_eq!(
        get(&app, "/orders/1/items", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// The issuer's key published with `key_ops` that exclude `verify`
/// (RFC 7517 §4.3), as a JWKS document would carry it.
fn keys_not_for_verifying(issuer: &TestIssuer) -> StaticKeys {
    let mut jwk = serde_json::to_value(issuer.public_jwk()).expect("a JWK");
    jwk["key_ops"] = json!(["encrypt"]);
    let document = json!({ "keys": [jwk] }).to_string();
    StaticKeys::new(KeySet::from_jwks_json(document.as_bytes()).expect("a key set document"))
}

#[actix_web::test]
async fn a_published_key_whose_key_ops_exclude_verify_verifies_no_token() {
    let issuer = TestIssuer::new();
    let validator = JwtValidator::builder()
        .issuer(issuer.issuer(), keys_not_for_verifying(&issuer))
        .audience(issuer.audience())
        .build()
        .expect("a valid validator");
    let app = service(validator).await;
    let token = issuer.token().scopes("order").sign();

    let answer = get(&app, "/orders/1/items", Some(&token)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let challenge = answer.challenge.expect("a challenge");
    assert!(challenge.contains(r#"error="invalid_token""#), "{challenge}");
    assert!(
        challenge.contains("no known key matches the token"),
        "{challenge}"
    );
}
