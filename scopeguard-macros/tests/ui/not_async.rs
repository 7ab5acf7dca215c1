#![allow(dead_code)]

use scopeguard_macros::{requires_scope_actix, requires_scope_axum};

#[requires_scope_axum("order:item")]
fn blocking_handler() -> &'static str {
    "items"
}

#[requires_scope_actix("order:item")]
fn blocking_actix_handler() -> &'static str {
    "items"
}

#[requires_scope_axum("order:item")]
struct NotAFunction;

fn main() {}
