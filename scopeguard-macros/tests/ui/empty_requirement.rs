#![allow(dead_code)]

use scopeguard_macros::requires_scope_axum;

#[requires_scope_axum]
async fn no_arguments() {}

#[requires_scope_axum()]
async fn empty_arguments() {}

#[requires_scope_axum(max_age = 300)]
async fn options_without_a_scope() {}

#[requires_scope_axum(all("order:item", any()))]
async fn empty_group() {}

fn main() {}
