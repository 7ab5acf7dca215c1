#![allow(dead_code)]

use scopeguard_macros::{requires_scope_actix, requires_scope_axum};

#[requires_scope_axum("inventory price")]
async fn two_words_in_one_scope() {}

#[requires_scope_axum(any("report:read", "caf\u{e9}"))]
async fn non_ascii_in_a_nested_scope() {}

#[requires_scope_actix("order:item", "")]
async fn empty_scope() {}

fn main() {}
