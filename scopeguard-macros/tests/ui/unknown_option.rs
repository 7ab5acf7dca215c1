#![allow(dead_code)]

use scopeguard_macros::requires_scope_axum;

#[requires_scope_axum("payment.write", max_ag = 300)]
async fn misspelt_option() {}

#[requires_scope_axum("payment.write", max_age = 300, max_age = 60)]
async fn option_given_twice() {}

#[requires_scope_axum("payment.write", max_age = "five minutes")]
async fn max_age_not_seconds() {}

#[requires_scope_axum("payment.write", acr = "phr \"strong\"")]
async fn acr_with_a_quote() {}

#[requires_scope_axum(any("payment.write", max_age = 300))]
async fn nested_option() {}

fn main() {}
