//! SPEC §5 (macro) at the HTTP level: `#[requires_scope(...)]` on axum
//! handlers answers per SPEC §4, before the handler's other extractors.

#[path = "../../test-support/shared/captured_logs.rs"]
mod captured_logs;
mod support;

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use captured_logs::capture;
use http::StatusCode;
use scopeguard_axum::core::inventory::registry::registered_requirements;
use scopeguard_axum::requires_scope;
use support::{
    assert_insufficient_scope, assert_missing_token, assert_server_error, auth_layer, get as get_with, send,
};

#[requires_scope("order:item")]
async fn items(Path(id): Path<u32>) -> String {
    format!("items of order {id}")
}

#[requires_scope(any("inventory:sales", "report:read"))]
async fn sales() -> &'static str {
    "sales"
}

#[requires_scope("transaction-{tx}")]
async fn approve(Path(tx): Path<String>) -> String {
    format!("approved {tx}")
}

#[requires_scope("payment.write", max_age = 300)]
async fn pay() -> &'static str {
    "paid"
}

#[requires_scope("inventory:price.write")]
async fn set_price(Json(price): Json<u64>) -> String {
    price.to_string()
}

#[requires_scope("tenant-{tenant}")]
async fn tenant() -> &'static str {
    "tenant"
}

/// Attributes and generics stay as written.
#[requires_scope("order:item")]
async fn default_of<T: Default + ToString>() -> String {
    T::default().to_string()
}

#[requires_scope("order:item")]
#[axum::debug_handler]
async fn debugged(Path(id): Path<u32>) -> String {
    format!("debugged {id}")
}

struct Orders;

impl Orders {
    #[requires_scope("order:shipping:address")]
    #[allow(clippy::unused_async, reason = "an axum handler")]
    async fn address(Path(id): Path<u32>) -> String {
        format!("address of order {id}")
    }
}

/// A handler naming an id nothing registered, as no expansion of the macro
/// can.
async fn forged(_: scopeguard_axum::__private::HandlerRequirement<7>) -> &'static str {
    "forged"
}

fn routes() -> Router {
    Router::new()
        .route("/orders/{id}/items", get(items))
        .route("/reports/sales", get(sales))
        .route("/transactions/{tx}", post(approve))
        .route("/payments", post(pay))
        .route("/prices", post(set_price))
        .route("/tenant", get(tenant))
        .route("/default", get(default_of::<u8>))
        .route("/debugged/{id}", get(debugged))
        .route("/orders/{id}/shipping/address", get(Orders::address))
        .route("/forged", get(forged))
}

fn app() -> Router {
    routes().layer(auth_layer())
}

#[tokio::test]
async fn a_granted_scope_reaches_the_handler_with_its_other_extractors() {
    let app = app();
    let answer = get_with(&app, "/orders/7/items", Some("reader")).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "items of order 7")
    );
    let answer = get_with(&app, "/default", Some("reader")).await;
    assert_eq!((answer.status, answer.body.as_str()), (StatusCode::OK, "0"));
}

#[tokio::test]
async fn no_credentials_is_401_with_a_bare_challenge() {
    let answer = get_with(&app(), "/orders/7/items", None).await;
    assert_missing_token(answer.parts(), "/orders/7/items");
}

#[tokio::test]
async fn an_invalid_token_is_401_invalid_token() {
    let answer = get_with(&app(), "/orders/7/items", Some("expired")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.challenge.as_deref(),
        Some(r#"Bearer realm="test", error="invalid_token", error_description="the token has expired""#)
    );
}

#[tokio::test]
async fn a_missing_scope_is_403_naming_the_scope() {
    let answer = get_with(&app(), "/orders/7/items", Some("nobody")).await;
    assert_insufficient_scope(answer.parts(), Some("order:item"), "/orders/7/items");
}

#[tokio::test]
async fn any_requirement_names_its_first_alternative() {
    let answer = get_with(&app(), "/reports/sales", Some("reader")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        answer.challenge.as_deref(),
        Some(
            r#"Bearer realm="test", error="insufficient_scope", error_description="insufficient scope", scope="inventory:sales""#
        )
    );
}

#[tokio::test]
async fn a_template_is_filled_from_the_path_parameter() {
    let app = app();
    let allowed = send(&app, "POST", "/transactions/42", Some("Bearer tx42"), "").await;
    assert_eq!(
        (allowed.status, allowed.body.as_str()),
        (StatusCode::OK, "approved 42")
    );
    // `transaction-42` does not cover `transaction-4`: templates match exactly.
    let other = send(&app, "POST", "/transactions/4", Some("Bearer tx42"), "").await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other.challenge.as_deref(),
        Some(
            r#"Bearer realm="test", error="insufficient_scope", error_description="insufficient scope", scope="transaction-4""#
        )
    );
}

#[tokio::test]
async fn a_filled_value_breaking_the_grammar_is_403_without_scope_attribute() {
    let answer = send(&app(), "POST", "/transactions/4%2042", Some("Bearer tx42"), "").await;
    assert_insufficient_scope(answer.parts(), None, "/transactions/4%2042");
}

#[tokio::test]
async fn a_template_parameter_missing_from_the_route_is_500() {
    let answer = get_with(&app(), "/tenant", Some("reader")).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.challenge, None);
}

#[tokio::test]
async fn step_up_is_401_insufficient_user_authentication_after_the_scopes() {
    let app = app();
    let fresh = send(&app, "POST", "/payments", Some("Bearer clerk"), "").await;
    assert_eq!((fresh.status, fresh.body.as_str()), (StatusCode::OK, "paid"));

    let stale = send(&app, "POST", "/payments", Some("Bearer stale-clerk"), "").await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        stale.challenge.as_deref(),
        Some(
            r#"Bearer realm="test", error="insufficient_user_authentication", error_description="the user must authenticate again", max_age="300""#
        )
    );

    let lacking = send(&app, "POST", "/payments", Some("Bearer reader"), "").await;
    assert_eq!(lacking.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_check_runs_before_a_json_body_extractor() {
    let app = app();
    let bad_body = r#""twelve""#;
    let lacking = send(&app, "POST", "/prices", Some("Bearer nobody"), bad_body).await;
    assert_eq!(lacking.status, StatusCode::FORBIDDEN);
    let anonymous = send(&app, "POST", "/prices", None, bad_body).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let allowed = send(&app, "POST", "/prices", Some("Bearer writer"), "12").await;
    assert_eq!((allowed.status, allowed.body.as_str()), (StatusCode::OK, "12"));
    let rejected_body = send(&app, "POST", "/prices", Some("Bearer writer"), bad_body).await;
    assert_eq!(rejected_body.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_method_in_an_impl_block_is_protected() {
    let app = app();
    let answer = get_with(&app, "/orders/3/shipping/address", Some("reader")).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "address of order 3")
    );
    let answer = get_with(&app, "/orders/3/shipping/address", Some("nobody")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(
        answer
            .challenge
            .is_some_and(|challenge| challenge.ends_with(r#"scope="order:shipping:address""#))
    );
}

#[tokio::test]
async fn the_handler_keeps_working_with_debug_handler() {
    let app = app();
    let answer = get_with(&app, "/debugged/5", Some("reader")).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "debugged 5")
    );
    let answer = get_with(&app, "/debugged/5", Some("nobody")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn missing_auth_layer_is_500_never_an_allow() {
    let app = routes();
    for path in ["/orders/7/items", "/orders/3/shipping/address"] {
        let answer = get_with(&app, path, Some("reader")).await;
        assert_server_error(answer.parts(), path);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_unregistered_requirement_id_is_500_and_an_error_event_never_an_allow() {
    let (captured, _guard) = capture();

    let answer = get_with(&app(), "/forged", Some("reader")).await;
    assert_server_error(answer.parts(), "/forged");
    let logged = captured.text();
    assert!(logged.contains("ERROR"), "{logged}");
    assert!(
        logged.contains(r#"reason="unregistered_requirement""#),
        "{logged}"
    );
    // Only the precise cause is logged, not a missing authentication layer.
    assert!(!logged.contains("missing_auth_layer"), "{logged}");
}

#[test]
fn the_registry_lists_every_requirement_written_with_the_macro() {
    let listed: Vec<(String, &str)> = registered_requirements()
        .map(|registered| (registered.handler().to_owned(), registered.text()))
        .collect();
    for (handler, text) in [
        ("items", "order:item"),
        ("sales", "any(inventory:sales, report:read)"),
        ("approve", "transaction-{tx}"),
        ("pay", "payment.write, max_age = 300"),
        ("set_price", "inventory:price.write"),
        ("tenant", "tenant-{tenant}"),
        ("default_of", "order:item"),
        ("debugged", "order:item"),
        ("address", "order:shipping:address"),
    ] {
        let expected = (format!("{}::{handler}", module_path!()), text);
        assert!(listed.contains(&expected), "{expected:?} not in {listed:?}");
    }
    // Once per handler, though `debug_handler` compiles a second copy of it.
    let debugged = format!("{}::debugged", module_path!());
    assert_eq!(
        listed.iter().filter(|(handler, _)| *handler == debugged).count(),
        1
    );
    for registered in registered_requirements() {
        assert!(registered.requirement().is_ok(), "{}", registered.text());
    }
}
