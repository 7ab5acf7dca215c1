//! SPEC §5 (macro) at the HTTP level: `#[requires_scope(...)]` on actix-web
//! handlers answers per SPEC §4, before the handler's other extractors, and
//! composes with actix's routing macros in either order.

mod support;

use actix_web::http::StatusCode;
use actix_web::{App, get, post, route, routes, test, web};
use scopeguard_actix::core::inventory::registry::registered_requirements;
use scopeguard_actix::requires_scope;
use support::{
    assert_insufficient_scope, assert_missing_token, assert_server_error, get as get_with, middleware, send,
};

/// `#[routes]` first, then the routing attributes, then `requires_scope`.
#[routes]
#[get("/audit/log")]
#[get("/audit/entries")]
#[requires_scope("admin:read", "audit:read")]
async fn audit_log() -> &'static str {
    "audit log"
}

/// `requires_scope` above `#[routes]`.
#[requires_scope(any(all("admin:read", "audit:read"), "report:read"))]
#[routes]
#[get("/audit/summary")]
#[post("/audit/summary")]
async fn audit_summary() -> &'static str {
    "audit summary"
}

// The recommended order: the routing macro first, `requires_scope` next to the function.
#[get("/orders/{id}/items")]
#[requires_scope("order:item")]
async fn items(id: web::Path<u32>) -> String {
    format!("items of order {id}")
}

// The other order works too.
#[requires_scope("order:item")]
#[get("/orders/{id}/status")]
async fn order_status(id: web::Path<u32>) -> String {
    format!("status of order {id}")
}

#[requires_scope("inventory:price.write")]
#[post("/prices")]
async fn set_price(price: web::Json<u64>) -> String {
    price.into_inner().to_string()
}

#[route("/reports/sales", method = "GET")]
#[requires_scope(any("inventory:sales", "report:read"))]
async fn sales() -> &'static str {
    "sales"
}

#[requires_scope("order")]
#[route("/orders", method = "GET", method = "HEAD")]
async fn orders() -> &'static str {
    "orders"
}

#[post("/transactions/{tx}")]
#[requires_scope("transaction-{tx}")]
async fn approve(tx: web::Path<String>) -> String {
    format!("approved {tx}")
}

#[post("/payments")]
#[requires_scope("payment.write", max_age = 300)]
async fn pay() -> &'static str {
    "paid"
}

#[get("/tenant")]
#[requires_scope("tenant-{tenant}")]
async fn tenant() -> &'static str {
    "tenant"
}

struct Orders;

impl Orders {
    #[requires_scope("order:shipping:address")]
    #[allow(clippy::unused_async, reason = "an actix handler")]
    async fn address(id: web::Path<u32>) -> String {
        format!("address of order {id}")
    }
}

/// A handler naming an id nothing registered, as no expansion of the macro
/// can.
async fn forged(_: scopeguard_actix::__private::HandlerRequirement<7>) -> &'static str {
    "forged"
}

fn routes(config: &mut web::ServiceConfig) {
    config
        .service(items)
        .service(order_status)
        .service(set_price)
        .service(sales)
        .service(orders)
        .service(approve)
        .service(pay)
        .service(tenant)
        .service(audit_log)
        .service(audit_summary)
        .route("/orders/{id}/shipping/address", web::get().to(Orders::address))
        .route("/forged", web::get().to(forged));
}

#[actix_web::test]
async fn a_granted_scope_reaches_the_handler_in_either_order_of_the_routing_macro() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
    for (path, expected) in [
        ("/orders/7/items", "items of order 7"),
        ("/orders/7/status", "status of order 7"),
        ("/orders", "orders"),
    ] {
        let answer = get_with(&app, path, Some("reader")).await;
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (StatusCode::OK, expected),
            "{path}"
        );
    }
    for path in ["/orders/7/items", "/orders/7/status", "/orders"] {
        let answer = get_with(&app, path, Some("nobody")).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[actix_web::test]
async fn routes_with_several_paths_or_methods_work_in_either_order() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
    for (method, path, expected) in [
        ("GET", "/audit/log", "audit log"),
        ("GET", "/audit/entries", "audit log"),
        ("GET", "/audit/summary", "audit summary"),
        ("POST", "/audit/summary", "audit summary"),
    ] {
        for token in ["auditor", "report-reader"] {
            let answer = send(&app, method, path, Some(token), "").await;
            if token == "report-reader" && path != "/audit/summary" {
                // `report:read` is no alternative of the two-scope requirement.
                assert_eq!(answer.status, StatusCode::FORBIDDEN, "{method} {path} {token}");
                continue;
            }
            assert_eq!(
                (answer.status, answer.body.as_str()),
                (StatusCode::OK, expected),
                "{method} {path} {token}"
            );
        }
        let answer = send(&app, method, path, Some("admin-reader"), "").await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(
            answer.challenge.as_deref(),
            Some(
                r#"Bearer realm="test", error="insufficient_scope", error_description="insufficient scope", scope="admin:read audit:read""#
            ),
            "{method} {path}"
        );
        let answer = send(&app, method, path, None, "").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
}

#[actix_web::test]
async fn no_credentials_is_401_with_a_bare_challenge() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
    let answer = get_with(&app, "/orders/7/items", None).await;
    assert_missing_token(answer.parts(), "/orders/7/items");
}

#[actix_web::test]
async fn a_missing_scope_is_403_naming_the_scope() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
    for path in ["/orders/7/items", "/orders/7/status"] {
        let answer = get_with(&app, path, Some("nobody")).await;
        assert_insufficient_scope(answer.parts(), Some("order:item"), path);
    }
}

#[actix_web::test]
async fn any_requirement_names_its_first_alternative() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
    let answer = get_with(&app, "/reports/sales", Some("reader")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        answer.challenge.as_deref(),
        Some(
            r#"Bearer realm="test", error="insufficient_scope", error_description="insufficient scope", scope="inventory:sales""#
        )
    );
}

#[actix_web::test]
async fn a_template_is_filled_from_the_path_parameter() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
    let allowed = send(&app, "POST", "/transactions/42", Some("tx42"), "").await;
    assert_eq!(
        (allowed.status, allowed.body.as_str()),
        (StatusCode::OK, "approved 42")
    );
    // `transaction-42` does not cover `transaction-4`: templates match exactly.
    let other = send(&app, "POST", "/transactions/4", Some("tx42"), "").await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other.challenge.as_deref(),
        Some(
            r#"Bearer realm="test", error="insufficient_scope", error_description="insufficient scope", scope="transaction-4""#
        )
    );
}

#[actix_web::test]
async fn a_filled_value_breaking_the_grammar_is_403_without_scope_attribute() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
    let answer = send(&app, "POST", "/transactions/4%2042", Some("tx42"), "").await;
    assert_insufficient_scope(answer.parts(), None, "/transactions/4%2042");
}

#[actix_web::test]
async fn a_template_parameter_missing_from_the_route_is_500() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
    let answer = get_with(&app, "/tenant", Some("reader")).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.challenge, None);
}

#[actix_web::test]
async fn step_up_is_401_insufficient_user_authentication_after_the_scopes() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
    let fresh = send(&app, "POST", "/payments", Some("clerk"), "").await;
    assert_eq!((fresh.status, fresh.body.as_str()), (StatusCode::OK, "paid"));

    let stale = send(&app, "POST", "/payments", Some("stale-clerk"), "").await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        stale.challenge.as_deref(),
        Some(
            r#"Bearer realm="test", error="insufficient_user_authentication", error_description="the user must authenticate again", max_age="300""#
        )
    );

    let lacking = send(&app, "POST", "/payments", Some("reader"), "").await;
    assert_eq!(lacking.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn the_check_runs_before_a_json_body_extractor() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
    let bad_body = r#""twelve""#;
    let lacking = send(&app, "POST", "/prices", Some("nobody"), bad_body).await;
    assert_eq!(lacking.status, StatusCode::FORBIDDEN);
    let anonymous = send(&app, "POST", "/prices", None, bad_body).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let allowed = send(&app, "POST", "/prices", Some("writer"), "12").await;
    assert_eq!((allowed.status, allowed.body.as_str()), (StatusCode::OK, "12"));
    let rejected_body = send(&app, "POST", "/prices", Some("writer"), bad_body).await;
    assert_eq!(rejected_body.status, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn a_method_in_an_impl_block_is_protected() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
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

#[actix_web::test]
async fn missing_auth_middleware_is_500_never_an_allow() {
    let app = test::init_service(App::new().configure(routes)).await;
    for path in [
        "/orders/7/items",
        "/orders/7/status",
        "/orders/3/shipping/address",
    ] {
        let answer = get_with(&app, path, Some("reader")).await;
        assert_server_error(answer.parts(), path);
    }
}

#[actix_web::test]
async fn an_unregistered_requirement_id_is_500_never_an_allow() {
    let app = test::init_service(App::new().configure(routes).wrap(middleware())).await;
    let answer = get_with(&app, "/forged", Some("reader")).await;
    assert_server_error(answer.parts(), "/forged");
}

#[actix_web::test]
async fn the_registry_lists_every_requirement_written_with_the_macro() {
    let listed: Vec<(String, &str)> = registered_requirements()
        .map(|registered| (registered.handler().to_owned(), registered.text()))
        .collect();
    for (handler, text) in [
        ("items", "order:item"),
        ("order_status", "order:item"),
        ("set_price", "inventory:price.write"),
        ("sales", "any(inventory:sales, report:read)"),
        ("orders", "order"),
        ("approve", "transaction-{tx}"),
        ("pay", "payment.write, max_age = 300"),
        ("tenant", "tenant-{tenant}"),
        ("address", "order:shipping:address"),
    ] {
        let expected = (format!("{}::{handler}", module_path!()), text);
        assert!(listed.contains(&expected), "{expected:?} not in {listed:?}");
    }
    for registered in registered_requirements() {
        assert!(registered.requirement().is_ok(), "{}", registered.text());
    }
}
