//! A template scope names the resource the handler serves (SPEC §2.4): the
//! `Scoped` extractor fills `transaction-{tx}` with the value `web::Path`
//! hands the handler, percent-decoded in full, never with the spelling
//! actix's match info keeps for `%2B`, `%2F` and `%25`.

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
mod support;

use actix_web::http::StatusCode;
use actix_web::{App, test, web};
use captured_logs::capture;
use scopeguard_actix::{Scoped, scope};
use support::{assert_insufficient_scope, middleware, send};

scope!(Approve = "transaction-{tx}");

/// Answers the transaction the handler was given.
async fn approve(_: Scoped<Approve>, tx: web::Path<String>) -> String {
    tx.into_inner()
}

/// Each encoded path segment and the value `web::Path` serves for it.
const ENCODED: [(&str, &str); 3] = [("a%2Bb", "a+b"), ("a%2Fb", "a/b"), ("a%25b", "a%b")];

#[actix_web::test]
async fn the_scope_checked_is_the_transaction_served() {
    let app = test::init_service(
        App::new()
            .route("/transactions/{tx}", web::post().to(approve))
            .wrap(middleware()),
    )
    .await;
    for (segment, served) in ENCODED {
        let path = format!("/transactions/{segment}");
        // `tx-decoded` grants `transaction-a+b`, `transaction-a/b` and `transaction-a%b`.
        let answer = send(&app, "POST", &path, Some("tx-decoded"), "").await;
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (StatusCode::OK, served),
            "{path}"
        );
        // `tx-encoded` grants the same spelled `transaction-a%2Bb`, ...: the
        // denial names the scope of the transaction the handler would serve.
        let answer = send(&app, "POST", &path, Some("tx-encoded"), "").await;
        let scope = format!("transaction-{served}");
        assert_insufficient_scope(answer.parts(), Some(&scope), &path);
    }
}

#[actix_web::test]
async fn a_decoded_value_outside_the_scope_grammar_is_denied_without_a_scope_and_logged() {
    let app = test::init_service(
        App::new()
            .route("/transactions/{tx}", web::post().to(approve))
            .wrap(middleware()),
    )
    .await;
    for path in [
        "/transactions/a%20b",
        "/transactions/a%22b",
        "/transactions/a%2F%5Cb",
        "/transactions/%FF",
    ] {
        let (captured, _guard) = capture();
        let answer = send(&app, "POST", path, Some("tx-decoded"), "").await;
        assert_insufficient_scope(answer.parts(), None, path);
        // Every deny is an event with its reason, and never shows the token.
        let logged = captured.text();
        assert!(logged.contains("request denied"), "{path}: {logged}");
        assert!(logged.contains("insufficient_scope"), "{path}: {logged}");
        assert!(!logged.contains("tx-decoded"), "{path}: {logged}");
    }
}
