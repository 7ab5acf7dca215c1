//! A template scope names the resource the handler serves (SPEC §2.4): the
//! `Scoped` extractor fills `transaction-{tx}` with the value `Path` hands
//! the handler, percent-decoded in full (`%2B`, `%2F` and `%25` included).

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
mod support;

use axum::Router;
use axum::extract::Path;
use axum::routing::post;
use captured_logs::capture;
use http::StatusCode;
use scopeguard_axum::{Scoped, scope};
use support::{assert_insufficient_scope, auth_layer, send};

scope!(Approve = "transaction-{tx}");

/// Answers the transaction the handler was given.
async fn approve(_: Scoped<Approve>, Path(tx): Path<String>) -> String {
    tx
}

fn app() -> Router {
    Router::new()
        .route("/transactions/{tx}", post(approve))
        .layer(auth_layer())
}

/// Each encoded path segment and the value `Path` serves for it.
const ENCODED: [(&str, &str); 3] = [("a%2Bb", "a+b"), ("a%2Fb", "a/b"), ("a%25b", "a%b")];

#[tokio::test]
async fn the_scope_checked_is_the_transaction_served() {
    let app = app();
    for (segment, served) in ENCODED {
        let path = format!("/transactions/{segment}");
        // `tx-decoded` grants `transaction-a+b`, `transaction-a/b` and `transaction-a%b`.
        let answer = send(&app, "POST", &path, Some("Bearer tx-decoded"), "").await;
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (StatusCode::OK, served),
            "{path}"
        );
        // `tx-encoded` grants the same spelled `transaction-a%2Bb`, ...: the
        // denial names the scope of the transaction the handler would serve.
        let answer = send(&app, "POST", &path, Some("Bearer tx-encoded"), "").await;
        let scope = format!("transaction-{served}");
        assert_insufficient_scope(answer.parts(), Some(&scope), &path);
    }
}

#[tokio::test]
async fn a_decoded_value_outside_the_scope_grammar_is_denied_without_a_scope_and_logged() {
    let app = app();
    for path in [
        "/transactions/a%20b",
        "/transactions/a%22b",
        "/transactions/a%2F%5Cb",
        // Not UTF-8 once decoded: `Path` would refuse it; the scope check
        // comes first and denies it as a value that is no scope.
        "/transactions/%FF",
    ] {
        let (captured, _guard) = capture();
        let answer = send(&app, "POST", path, Some("Bearer tx-decoded"), "").await;
        assert_insufficient_scope(answer.parts(), None, path);
        // Every deny is an event with its reason, and never shows the token.
        let logged = captured.text();
        assert!(logged.contains("request denied"), "{path}: {logged}");
        assert!(logged.contains("insufficient_scope"), "{path}: {logged}");
        assert!(!logged.contains("tx-decoded"), "{path}: {logged}");
    }
}
