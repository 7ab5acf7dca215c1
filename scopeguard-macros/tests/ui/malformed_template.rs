#![allow(dead_code)]

use scopeguard_macros::requires_scope_axum;

#[requires_scope_axum("transaction-{tx")]
async fn unclosed_brace() {}

#[requires_scope_axum(any("report:read", "transaction-{}"))]
async fn empty_parameter_name() {}

#[requires_scope_axum("transaction-{tx}}")]
async fn unmatched_brace() {}

fn main() {}
