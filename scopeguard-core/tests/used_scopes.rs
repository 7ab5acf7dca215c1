//! SPEC §6: `scopes_supported` and the scope-catalogue check are derived from
//! the requirements the program actually uses.

#[cfg(feature = "tower")]
use scopeguard_core::inventory::catalogue::ScopeCatalogue;
#[cfg(feature = "tower")]
use scopeguard_core::inventory::metadata::ProtectedResourceMetadata;
use scopeguard_core::inventory::registry::{RegisteredRequirement, inventory, requirement_id};
use scopeguard_core::inventory::usage::{TemplateScopes, used_requirements, used_scopes};
use scopeguard_core::{NamedRequirement, Requirement, scope};

scope!(ShippingAddress = "order:shipping:address");
scope!(ProductPriceUpdate = "urn:examplecompany:product_price:update");

// A hand-written registration record: what
// `#[requires_scope(any("inventory:sales", "report:read"))]` on a handler
// `sales_report` would register. The macro's own records are checked by
// the adapters' metadata tests (scopeguard-*/tests/metadata.rs).
inventory::submit! {
    RegisteredRequirement::new(
        requirement_id("any(inventory:sales, report:read)"),
        "any(inventory:sales, report:read)",
        "used_scopes::sales_report",
    )
}

/// The layers of a router, built at start-up.
#[cfg(feature = "tower")]
fn layers() -> Vec<scopeguard_core::tower::RequireScope> {
    use scopeguard_core::tower::RequireScope;
    vec![
        RequireScope::new("order:item"),
        RequireScope::new("https://www.examplecompany.com/private_catalog.readonly"),
        RequireScope::new("all(admin:read, audit:read)"),
        RequireScope::try_new("transaction-{tx}, max_age = 300").expect("a valid requirement"),
    ]
}

fn contains(scopes: &[String], scope: &str) -> bool {
    scopes.iter().any(|listed| listed == scope)
}

#[test]
fn scopes_supported_lists_the_scopes_of_scope_declarations() {
    let _ = (ShippingAddress::requirement(), ProductPriceUpdate::TEXT);
    let scopes = used_scopes(TemplateScopes::Omit);
    assert!(contains(&scopes, "order:shipping:address"), "{scopes:?}");
    assert!(
        contains(&scopes, "urn:examplecompany:product_price:update"),
        "{scopes:?}"
    );
}

#[test]
fn scopes_supported_lists_the_scopes_of_registration_records() {
    let scopes = used_scopes(TemplateScopes::Omit);
    assert!(contains(&scopes, "inventory:sales"), "{scopes:?}");
    assert!(contains(&scopes, "report:read"), "{scopes:?}");
    assert!(used_requirements().contains(&Requirement::parse("any(inventory:sales, report:read)").unwrap()));
}

#[cfg(feature = "tower")]
#[test]
fn scopes_supported_lists_the_scopes_of_require_scope_layers() {
    let _layers = layers();
    let scopes = used_scopes(TemplateScopes::Omit);
    for scope in [
        "order:item",
        "https://www.examplecompany.com/private_catalog.readonly",
        "admin:read",
        "audit:read",
    ] {
        assert!(contains(&scopes, scope), "{scope} missing from {scopes:?}");
    }
}

#[cfg(feature = "tower")]
#[test]
fn template_scopes_are_left_out_unless_their_prefix_is_asked_for() {
    let _layers = layers();
    let omitted = used_scopes(TemplateScopes::Omit);
    assert!(
        !omitted.iter().any(|scope| scope.starts_with("transaction-")),
        "{omitted:?}"
    );
    let prefixes = used_scopes(TemplateScopes::FixedPrefix);
    assert!(contains(&prefixes, "transaction-"), "{prefixes:?}");
    assert!(!prefixes.iter().any(|scope| scope.contains('{')), "{prefixes:?}");
}

#[cfg(feature = "tower")]
#[test]
fn the_metadata_document_lists_every_non_template_scope_the_routes_require() {
    let _layers = layers();
    let metadata = ProtectedResourceMetadata::builder("http://127.0.0.1:8080")
        .authorization_server("http://127.0.0.1:9000")
        .scopes_from_app()
        .build()
        .expect("valid metadata");
    // Other tests of this program may record requirements meanwhile.
    let before = used_scopes(TemplateScopes::Omit);
    let json: serde_json::Value = serde_json::from_str(&metadata.to_json()).expect("JSON");
    let after = used_scopes(TemplateScopes::Omit);
    let listed: Vec<String> = serde_json::from_value(json["scopes_supported"].clone()).expect("strings");
    assert!(before.iter().all(|scope| contains(&listed, scope)), "{listed:?}");
    assert!(listed.iter().all(|scope| contains(&after, scope)), "{listed:?}");
    for scope in [
        "order:item",
        "order:shipping:address",
        "inventory:sales",
        "admin:read",
    ] {
        assert!(contains(&listed, scope), "{scope} missing from {listed:?}");
    }
}

/// The catalogue of this test program, with one deliberate gap.
#[cfg(feature = "tower")]
fn catalogue() -> ScopeCatalogue {
    ScopeCatalogue::new()
        .scope("order:item", "Read the items of an order")
        .scope("order:shipping:address", "Read the shipping address of an order")
        .scope("urn:examplecompany:product_price:update", "Update product prices")
        .scope(
            "https://www.examplecompany.com/private_catalog.readonly",
            "Read the private catalogue",
        )
        .scope("inventory:sales", "Read sales figures")
        .scope("report:read", "Read reports")
        .scope("admin:read", "Read administration data")
        .scope("audit:read", "Read the audit log")
        .scope("transaction-", "Approve one transaction: transaction-<id>")
}

#[cfg(feature = "tower")]
#[test]
fn the_catalogue_check_catches_a_typo_in_a_required_scope() {
    let _layers = layers();
    let _typo = scopeguard_core::tower::RequireScope::new("audit:raed");
    let missing = catalogue().missing(used_scopes(TemplateScopes::FixedPrefix));
    assert!(contains(&missing, "audit:raed"), "{missing:?}");
    assert!(!contains(&missing, "audit:read"), "{missing:?}");
    assert!(!contains(&missing, "transaction-"), "{missing:?}");
}
