//! SPEC §6: with the `utoipa` feature, the requirements of routes flow into
//! the generated `OpenAPI` document as OAuth 2.0 security requirements.
#![cfg(feature = "utoipa")]

use http::Method;
use scopeguard_core::inventory::catalogue::ScopeCatalogue;
use scopeguard_core::inventory::openapi::{OAuth2Flow, OAuth2Security};
use scopeguard_core::inventory::registry::{RegisteredRequirement, inventory, requirement_id};
use scopeguard_core::{NamedRequirement, Requirement, scope};
use serde_json::{Value, json};
use utoipa::OpenApi;

scope!(ShippingAddress = "order:shipping:address");

// A hand-written registration record: what
// `#[requires_scope(any("inventory:sales", "report:read"))]` on
// `sales_report` would register. These tests check how records become
// security requirements; the macro itself is tested with a real handler in
// scopeguard-axum/tests/openapi.rs.
inventory::submit! {
    RegisteredRequirement::new(
        requirement_id("any(inventory:sales, report:read)"),
        "any(inventory:sales, report:read)",
        "openapi::sales_report",
    )
}

#[utoipa::path(get, path = "/orders/{id}/items", params(("id" = u32, Path)), responses((status = 200)))]
#[allow(dead_code)]
fn order_items() {}

#[utoipa::path(get, path = "/orders/{id}/shipping/address", params(("id" = u32, Path)), responses((status = 200)))]
#[allow(dead_code)]
fn shipping_address() {}

#[utoipa::path(get, path = "/reports/sales", responses((status = 200)))]
#[allow(dead_code)]
fn sales_report() {}

#[utoipa::path(get, path = "/admin/audit", responses((status = 200)))]
#[allow(dead_code)]
fn admin_audit() {}

#[utoipa::path(post, path = "/transactions/{tx}/approve", params(("tx" = String, Path)), responses((status = 200)))]
#[allow(dead_code)]
fn approve() {}

#[utoipa::path(get, path = "/health", responses((status = 200)))]
#[allow(dead_code)]
fn health() {}

fn catalogue() -> ScopeCatalogue {
    ScopeCatalogue::new()
        .scope("order:item", "Read the items of an order")
        .scope("order:shipping:address", "Read the shipping address of an order")
        .scope("inventory:sales", "Read sales figures")
        .scope("report:read", "Read reports")
        .scope("admin:read", "Read administration data")
        .scope("audit:read", "Read the audit log")
        .scope("transaction-", "Approve one transaction")
}

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        OAuth2Security::new(OAuth2Flow::client_credentials("https://auth.example.com/token"))
            .flow(OAuth2Flow::authorization_code(
                "https://auth.example.com/authorize",
                "https://auth.example.com/token",
            ))
            .description("Tokens from the Example authorization server")
            .catalogue(catalogue())
            .operation(
                Method::GET,
                "/orders/{id}/items",
                &Requirement::parse("order:item").expect("a valid requirement"),
            )
            .operation(
                Method::GET,
                "/orders/{id}/shipping/address",
                ShippingAddress::requirement(),
            )
            .operation(
                Method::GET,
                "/admin/audit",
                &Requirement::parse("all(admin:read, audit:read)").expect("a valid requirement"),
            )
            .operation(
                Method::POST,
                "/transactions/{tx}/approve",
                &Requirement::parse("transaction-{tx}, max_age = 300").expect("a valid requirement"),
            )
            .operation(
                Method::DELETE,
                "/not/documented",
                &Requirement::parse("user.write").expect("a valid requirement"),
            )
            .operations_from_macro()
            .modify(openapi);
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(order_items, shipping_address, sales_report, admin_audit, approve, health),
    modifiers(&Security)
)]
struct ApiDoc;

fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).expect("a JSON document")
}

fn security(document: &Value, method: &str, path: &str) -> Value {
    document["paths"][path][method]["security"].clone()
}

#[test]
fn the_document_has_an_oauth2_scheme_with_the_catalogue_scopes() {
    let document = document();
    let scheme = &document["components"]["securitySchemes"]["oauth2"];
    assert_eq!(scheme["type"], "oauth2");
    assert_eq!(
        scheme["description"],
        "Tokens from the Example authorization server"
    );
    let client_credentials = &scheme["flows"]["clientCredentials"];
    assert_eq!(client_credentials["tokenUrl"], "https://auth.example.com/token");
    assert_eq!(
        client_credentials["scopes"]["order:item"],
        "Read the items of an order"
    );
    assert_eq!(client_credentials["scopes"]["audit:read"], "Read the audit log");
    let authorization_code = &scheme["flows"]["authorizationCode"];
    assert_eq!(
        authorization_code["authorizationUrl"],
        "https://auth.example.com/authorize"
    );
    assert_eq!(authorization_code["scopes"], client_credentials["scopes"]);
}

#[test]
fn a_template_scope_is_listed_as_declared_with_its_prefix_description() {
    let document = document();
    let scopes = &document["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"];
    assert_eq!(scopes["transaction-{tx}"], "Approve one transaction");
    assert_eq!(
        security(&document, "post", "/transactions/{tx}/approve"),
        json!([{"oauth2": ["transaction-{tx}"]}])
    );
}

#[test]
fn a_scope_requirement_is_one_security_requirement() {
    let document = document();
    assert_eq!(
        security(&document, "get", "/orders/{id}/items"),
        json!([{"oauth2": ["order:item"]}])
    );
    assert_eq!(
        security(&document, "get", "/orders/{id}/shipping/address"),
        json!([{"oauth2": ["order:shipping:address"]}])
    );
}

#[test]
fn all_is_one_security_requirement_with_every_scope() {
    assert_eq!(
        security(&document(), "get", "/admin/audit"),
        json!([{"oauth2": ["admin:read", "audit:read"]}])
    );
}

#[test]
fn a_registration_record_gives_its_any_requirement_as_alternatives() {
    assert_eq!(
        security(&document(), "get", "/reports/sales"),
        json!([{"oauth2": ["inventory:sales"]}, {"oauth2": ["report:read"]}])
    );
}

#[test]
fn an_unprotected_operation_gets_no_security() {
    assert_eq!(security(&document(), "get", "/health"), Value::Null);
}

#[test]
fn an_uncatalogued_scope_is_listed_with_an_empty_description() {
    let document = document();
    let scheme = OAuth2Security::new(OAuth2Flow::client_credentials("https://auth.example.com/token"))
        .operation(
            Method::GET,
            "/x",
            &Requirement::parse("widget:read").expect("a valid requirement"),
        )
        .security_scheme();
    let scheme = serde_json::to_value(scheme).expect("JSON");
    assert_eq!(
        scheme["flows"]["clientCredentials"]["scopes"],
        json!({"widget:read": ""})
    );
    // An operation missing from the document adds no scope to it.
    let scopes = &document["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"];
    assert_eq!(scopes.get("user.write"), None);
}
