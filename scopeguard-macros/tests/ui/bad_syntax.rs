#![allow(dead_code)]

use scopeguard_macros::requires_scope_axum;

#[requires_scope_axum(one_of("order:item", "report:read"))]
async fn unknown_function() {}

#[requires_scope_axum(order:item)]
async fn scope_not_in_quotes() {}

#[requires_scope_axum("order:item" "report:read")]
async fn missing_comma() {}

fn main() {}
