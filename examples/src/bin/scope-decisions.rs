//! Prints how the default scope policy decides the examples of SPEC §2.3 and §2.4.
//!
//! ```text
//! cargo run -p scopeguard-examples --bin scope-decisions
//! ```
#![allow(clippy::print_stdout)]

use scopeguard_core::{GrantedScopes, Requirement, ScopePolicy};

/// Path parameters of a case: `(name, value)` pairs.
type Params = &'static [(&'static str, &'static str)];

fn main() {
    let policy = ScopePolicy::builder()
        .implies("admin:write", ["user:write"])
        .build()
        .expect("a valid policy");
    let cases: &[(&str, &str, Params)] = &[
        ("order", "order:item", &[]),
        ("orders", "order:item", &[]),
        ("order:item", "order", &[]),
        ("inventory.write", "inventory:price.write", &[]),
        ("inventory", "inventory:price.write", &[]),
        ("inventory:price.write", "inventory:stock", &[]),
        ("urn", "urn:examplecompany:product_price:update", &[]),
        ("admin", "user:write", &[]),
        ("inventory:sales", "any(inventory:sales, report:read)", &[]),
        ("admin:read", "all(admin:read, audit:read)", &[]),
        ("transaction-1", "transaction-{tx}", &[("tx", "10")]),
        ("transaction-10", "transaction-{tx}", &[("tx", "10")]),
    ];
    println!("{:<24} {:<42} decision", "granted", "required");
    for (granted, required, params) in cases {
        let granted: GrantedScopes = granted.parse().expect("a valid scope list");
        let requirement = Requirement::parse(required).expect("a valid requirement");
        let decision = match policy.check(&granted, &requirement, params) {
            Ok(()) => "allow".to_owned(),
            Err(denial) => format!("deny ({denial})"),
        };
        let shown = if params.is_empty() {
            required.to_string()
        } else {
            format!("{required} with {params:?}")
        };
        println!("{granted:<24} {shown:<42} {decision}");
    }
}
