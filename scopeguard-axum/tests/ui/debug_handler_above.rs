//! `#[axum::debug_handler]` above `#[requires_scope]` is not supported: the
//! debug checks run on the handler as written, before `requires_scope` adds
//! its parameter, and call it with one argument too few.

use axum::extract::Path;
use scopeguard_axum::requires_scope;

#[axum::debug_handler]
#[requires_scope("order:item")]
async fn items(Path(id): Path<u32>) -> String {
    format!("items of order {id}")
}

fn main() {
    let _ = axum::Router::<()>::new().route("/orders/{id}/items", axum::routing::get(items));
}
