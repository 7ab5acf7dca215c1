//! SPEC §7 from the outside: both conformance servers, `conformance-axum`
//! and `conformance-actix`, run as child processes with keys found by
//! discovery at a real OpenID provider (`test-support/oidc`), and the whole route
//! table is walked with the provider's tokens. Every case must give the
//! status, `WWW-Authenticate` and body it names, byte for byte the same
//! from both servers (each server's own address read as `http://SERVER`).
//!
//! Needs Node and `npm ci` in `test-support/oidc`; without them the provider test
//! skips with a message, except under CI (`CI` set), where it fails.

mod conformance_support;
#[allow(dead_code)] // shared with `oidc_provider.rs`, which uses all of it
mod oidc_support;

use std::time::Duration;

use conformance_support::downstream::{SHIPPING_AUDIENCE, ShippingApi};
use conformance_support::expect::{Want, check};
use conformance_support::introspection::{self, IntrospectionEndpoint};
use conformance_support::server::{ConformanceServer, SERVER};
use conformance_support::tokens::{AUDIENCE, Caller, OTHER_AUDIENCE, Tokens, payload};
use oidc_support::{CLIENT_ID, CLIENT_SECRET, OidcProvider};
use serde_json::json;

/// The private catalogue's opaque URL scope.
const CATALOG: &str = "https://www.examplecompany.com/private_catalog.readonly";
/// The product-price opaque URN scope.
const PRODUCT_PRICE: &str = "urn:examplecompany:product_price:update";
/// Transaction scopes for the values `a+b`, `a/b` and `a%b`.
const DECODED_TRANSACTIONS: &str = "transaction-a+b transaction-a/b transaction-a%b";
/// The same scopes spelled as the values' percent-encoding.
const ENCODED_TRANSACTIONS: &str = "transaction-a%2Bb transaction-a%2Fb transaction-a%25b";

/// One request and its answer.
#[derive(Debug, Clone)]
struct Case {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    caller: Caller,
    want: Want,
}

fn case(name: &'static str, method: &'static str, path: &'static str, caller: Caller, want: Want) -> Case {
    Case {
        name,
        method,
        path,
        caller,
        want,
    }
}

/// `{"route": name, "sub": the provider's client}`.
fn route(name: &str) -> Want {
    Want::Ok(json!({"route": name, "sub": CLIENT_ID}))
}

fn orders(view: &str) -> Want {
    Want::Ok(json!({"route": "orders", "sub": CLIENT_ID, "view": view}))
}

/// `{"route": name, "sub": the provider's client, "downstream": ...}`: the
/// shipping API received a token for `aud` granting `scope`.
fn downstream(name: &str, aud: &str, scope: &str) -> Want {
    Want::Ok(json!({
        "route": name,
        "sub": CLIENT_ID,
        "downstream": {"order": "7", "received": {"sub": CLIENT_ID, "aud": [aud], "scope": scope}},
    }))
}

/// Every scope the routes require, but templates (SPEC §7).
const SCOPES_SUPPORTED: [&str; 14] = [
    "admin:read",
    "audit:read",
    CATALOG,
    "inventory:price",
    "inventory:price.write",
    "inventory:sales",
    "order",
    "order:item",
    "order:shipping",
    "order:shipping:address",
    "payment.write",
    "report:read",
    PRODUCT_PRICE,
    "user:write",
];

/// The route table of SPEC §7, allowed and denied.
#[allow(clippy::too_many_lines)] // one line per case, like the table
#[rustfmt::skip]
fn cases(issuer: &str) -> Vec<Case> {
    use Caller::{Nobody, OtherAudience, Raw, Scopes};
    use Want::{BadRequest, InvalidToken, NoToken, Scope, ScopeUnnamed, StepUp};
    let health = || Want::Ok(json!({"route": "health", "sub": null}));
    let metadata = json!({
        "resource": SERVER,
        "authorization_servers": [issuer],
        "scopes_supported": SCOPES_SUPPORTED,
        "bearer_methods_supported": ["header"],
    });
    let items = "/orders/7/items";
    vec![
        // /health and the metadata are outside authentication.
        case("health, no token", "GET", "/health", Nobody, health()),
        case("health, garbage", "GET", "/health", Raw("Bearer a b c"), health()),
        case("health, bad token", "GET", "/health", Raw("Bearer not-a-jwt"), health()),
        case("health, a token", "GET", "/health", Scopes("order"), health()),
        case("metadata, no token", "GET", "/.well-known/oauth-protected-resource", Nobody, Want::Ok(metadata.clone())),
        case("metadata, garbage", "GET", "/.well-known/oauth-protected-resource", Raw("Bearer a b c"), Want::Ok(metadata)),
        // Credentials and token validity (§3.1, §3.2, §4).
        case("me, no token", "GET", "/me", Nobody, NoToken),
        case("me, another scheme", "GET", "/me", Raw("Basic dXNlcjpwYXNz"), NoToken),
        case("me, malformed", "GET", "/me", Raw("Bearer a b c"), BadRequest),
        case("me, empty", "GET", "/me", Raw("Bearer "), BadRequest),
        case("me, not a JWT", "GET", "/me", Raw("Bearer not-a-jwt"), InvalidToken),
        case("me, forged", "GET", "/me", Raw("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), InvalidToken),
        case("me, another audience", "GET", "/me", OtherAudience, InvalidToken),
        case(
            "me, scopes sorted, implications not applied",
            "GET",
            "/me",
            Scopes("order admin:write"),
            Want::Ok(json!({"route": "me", "sub": CLIENT_ID, "client_id": CLIENT_ID, "scopes": ["admin:write", "order"]})),
        ),
        case(
            "me, no scope",
            "GET",
            "/me",
            Scopes(""),
            Want::Ok(json!({"route": "me", "sub": CLIENT_ID, "client_id": CLIENT_ID, "scopes": []})),
        ),
        // RequireScope: order:item; hierarchy.
        case("items, no token", "GET", items, Nobody, NoToken),
        case("items, exact", "GET", items, Scopes("order:item"), route("order-items")),
        case("items, parent covers", "GET", items, Scopes("order"), route("order-items")),
        case("items, sibling", "GET", items, Scopes("order:shipping:address"), Scope("order:item")),
        // Scoped<R>: order:shipping:address.
        case("address, exact", "GET", "/orders/7/shipping/address", Scopes("order:shipping:address"), route("shipping-address")),
        case("address, grandparent covers", "GET", "/orders/7/shipping/address", Scopes("order"), route("shipping-address")),
        case("address, child does not cover", "GET", "/orders/7/shipping/address", Scopes("order:item"), Scope("order:shipping:address")),
        case("address, no token", "GET", "/orders/7/shipping/address", Nobody, NoToken),
        // Macro: read and write levels.
        case("price read, exact", "GET", "/inventory/3/price", Scopes("inventory:price"), route("price-read")),
        case("price read, parent", "GET", "/inventory/3/price", Scopes("inventory"), route("price-read")),
        case("price read, write covers read", "GET", "/inventory/3/price", Scopes("inventory.write"), route("price-read")),
        case("price read, other", "GET", "/inventory/3/price", Scopes("order"), Scope("inventory:price")),
        case("price write, exact", "PUT", "/inventory/3/price", Scopes("inventory:price.write"), route("price-write")),
        case("price write, parent write", "PUT", "/inventory/3/price", Scopes("inventory.write"), route("price-write")),
        case("price write, read only", "PUT", "/inventory/3/price", Scopes("inventory:price"), Scope("inventory:price.write")),
        case("price write, parent read only", "PUT", "/inventory/3/price", Scopes("inventory"), Scope("inventory:price.write")),
        // Macro: template, filled and then exact.
        case("approve 42", "POST", "/transactions/42/approve", Scopes("transaction-42"), route("transaction-approve")),
        case("approve 4, not a prefix", "POST", "/transactions/4/approve", Scopes("transaction-42"), Scope("transaction-4")),
        case("approve 420, no prefix wildcard", "POST", "/transactions/420/approve", Scopes("transaction-42"), Scope("transaction-420")),
        case("approve, filled value breaks the grammar", "POST", "/transactions/4%202/approve", Scopes("transaction-42"), ScopeUnnamed),
        // Macro: the template is filled with the fully percent-decoded value.
        case("approve, encoded plus checked decoded", "POST", "/transactions/a%2Bb/approve", Scopes(DECODED_TRANSACTIONS), route("transaction-approve")),
        case("approve, encoded slash checked decoded", "POST", "/transactions/a%2Fb/approve", Scopes(DECODED_TRANSACTIONS), route("transaction-approve")),
        case("approve, encoded percent sign checked decoded", "POST", "/transactions/a%25b/approve", Scopes(DECODED_TRANSACTIONS), route("transaction-approve")),
        case("approve, encoded spelling of a plus grants nothing", "POST", "/transactions/a%2Bb/approve", Scopes(ENCODED_TRANSACTIONS), Scope("transaction-a+b")),
        case("approve, encoded spelling of a slash grants nothing", "POST", "/transactions/a%2Fb/approve", Scopes(ENCODED_TRANSACTIONS), Scope("transaction-a/b")),
        case("approve, encoded spelling of a percent sign grants nothing", "POST", "/transactions/a%25b/approve", Scopes(ENCODED_TRANSACTIONS), Scope("transaction-a%b")),
        case("approve, a value is decoded once", "POST", "/transactions/a%2520b/approve", Scopes(ENCODED_TRANSACTIONS), Scope("transaction-a%20b")),
        case("approve, a decoded quote breaks the grammar", "POST", "/transactions/a%22b/approve", Scopes(DECODED_TRANSACTIONS), ScopeUnnamed),
        case("approve, not UTF-8 once decoded", "POST", "/transactions/%FF/approve", Scopes(DECODED_TRANSACTIONS), ScopeUnnamed),
        // RequireScope and Scoped<R>: opaque scopes, exact only.
        case("catalog, exact", "GET", "/catalog/private", Scopes(CATALOG), route("private-catalog")),
        case("catalog, other opaque", "GET", "/catalog/private", Scopes(PRODUCT_PRICE), Scope(CATALOG)),
        case("product prices, exact", "POST", "/product-prices", Scopes(PRODUCT_PRICE), route("product-price-update")),
        case("product prices, other opaque", "POST", "/product-prices", Scopes(CATALOG), Scope(PRODUCT_PRICE)),
        // Macro: any.
        case("sales, first", "GET", "/reports/sales", Scopes("inventory:sales"), route("sales-report")),
        case("sales, second", "GET", "/reports/sales", Scopes("report:read"), route("sales-report")),
        case("sales, neither", "GET", "/reports/sales", Scopes("order"), Scope("inventory:sales")),
        // RequireScope: all.
        case("audit, both", "GET", "/admin/audit", Scopes("admin:read audit:read"), route("admin-audit")),
        case("audit, one", "GET", "/admin/audit", Scopes("admin:read"), Scope("admin:read audit:read")),
        case("audit, parent of one", "GET", "/admin/audit", Scopes("admin"), Scope("admin:read audit:read")),
        // Macro: the implication admin:write => user:write.
        case("user delete, exact", "DELETE", "/users/9", Scopes("user:write"), route("user-delete")),
        case("user delete, implied", "DELETE", "/users/9", Scopes("admin:write"), route("user-delete")),
        case("user delete, implied through hierarchy", "DELETE", "/users/9", Scopes("admin"), route("user-delete")),
        case("user delete, other admin scope", "DELETE", "/users/9", Scopes("admin:read"), Scope("user:write")),
        // Macro: step-up after the scopes.
        case("payment, no auth_time", "POST", "/payments", Scopes("payment.write"), StepUp("300")),
        case("payment, scope first", "POST", "/payments", Scopes("order"), Scope("payment.write")),
        // /orders: branch on the principal / ScopeGuard.
        case("orders, full", "GET", "/orders", Scopes("order"), orders("full")),
        case("orders, summary", "GET", "/orders", Scopes("order:item"), orders("summary")),
        case("orders, no token", "GET", "/orders", Nobody, NoToken),
        // Introspection.
        case(
            "introspected, active",
            "GET",
            "/introspected/orders/7/items",
            Raw("Bearer opaque-items"),
            Want::Ok(json!({"route": "introspected-order-items", "sub": "opaque-user"})),
        ),
        case("introspected, scope missing", "GET", "/introspected/orders/7/items", Raw("Bearer opaque-price"), Scope("order:item")),
        case("introspected, inactive", "GET", "/introspected/orders/7/items", Raw("Bearer opaque-revoked"), InvalidToken),
        case("introspected, no token", "GET", "/introspected/orders/7/items", Nobody, NoToken),
        // Downstream calls (§3.8): forwarded as is, or exchanged for order:shipping at the provider.
        case("forwarded, exact", "GET", "/orders/7/shipping/forwarded", Scopes("order:shipping"), downstream("shipping-forwarded", AUDIENCE, "order:shipping")),
        case("forwarded, the caller's scopes travel", "GET", "/orders/7/shipping/forwarded", Scopes("order inventory"), downstream("shipping-forwarded", AUDIENCE, "inventory order")),
        case("forwarded, sibling", "GET", "/orders/7/shipping/forwarded", Scopes("order:item"), Scope("order:shipping")),
        case("forwarded, no token", "GET", "/orders/7/shipping/forwarded", Nobody, NoToken),
        case("exchanged, narrowed to order:shipping", "GET", "/orders/7/shipping/exchanged", Scopes("order inventory"), downstream("shipping-exchanged", SHIPPING_AUDIENCE, "order:shipping")),
        case("exchanged, child does not cover", "GET", "/orders/7/shipping/exchanged", Scopes("order:shipping"), Scope("order")),
        case("exchanged, no token", "GET", "/orders/7/shipping/exchanged", Nobody, NoToken),
    ]
}

fn server_env<'a>(
    issuer: &'a str,
    introspection: &'a str,
    token_endpoint: &'a str,
    shipping: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("SCOPEGUARD_TOKEN_EXCHANGE_URL", token_endpoint),
        ("SCOPEGUARD_TOKEN_EXCHANGE_CLIENT_ID", CLIENT_ID),
        ("SCOPEGUARD_TOKEN_EXCHANGE_CLIENT_SECRET", CLIENT_SECRET),
        ("SCOPEGUARD_DOWNSTREAM_URL", shipping),
        ("SCOPEGUARD_DOWNSTREAM_AUDIENCE", SHIPPING_AUDIENCE),
        ("SCOPEGUARD_ISSUER", issuer),
        ("SCOPEGUARD_AUDIENCE", AUDIENCE),
        ("SCOPEGUARD_JWKS_COOLDOWN_SECS", "5"),
        ("SCOPEGUARD_LEEWAY_SECS", "30"),
        ("SCOPEGUARD_INTROSPECTION_URL", introspection),
        ("SCOPEGUARD_INTROSPECTION_CLIENT_ID", introspection::CLIENT_ID),
        (
            "SCOPEGUARD_INTROSPECTION_CLIENT_SECRET",
            introspection::CLIENT_SECRET,
        ),
    ]
}

#[tokio::test]
async fn both_servers_answer_the_route_table_identically() {
    let Some(provider) = OidcProvider::builder()
        .resource(AUDIENCE)
        .resource(OTHER_AUDIENCE)
        .resource(SHIPPING_AUDIENCE)
        .start()
        .await
    else {
        return;
    };
    let endpoint = IntrospectionEndpoint::start(AUDIENCE).await;
    let shipping = ShippingApi::start(provider.issuer()).await;
    let token_endpoint = format!("{}/token", provider.issuer());
    let env = server_env(provider.issuer(), endpoint.url(), &token_endpoint, shipping.url());
    let (axum, actix) = tokio::join!(
        ConformanceServer::start("axum", env!("CARGO_BIN_EXE_conformance-axum"), &env),
        ConformanceServer::start("actix", env!("CARGO_BIN_EXE_conformance-actix"), &env),
    );
    let mut tokens = Tokens::new(&provider);
    let step_up = tokens
        .authorization(Caller::Scopes("payment.write"))
        .await
        .expect("a token");
    assert!(
        payload(step_up.trim_start_matches("Bearer "))
            .get("auth_time")
            .is_none(),
        "a client-credentials token has no auth_time, so max_age cannot be met"
    );

    let mut failures = Vec::new();
    for case in cases(provider.issuer()) {
        let authorization = tokens.authorization(case.caller).await;
        let mut answers = Vec::new();
        for server in [&axum, &actix] {
            let answer = server
                .send(case.method, case.path, authorization.as_deref())
                .await;
            if let Err(problem) = check(&case.want, &answer) {
                failures.push(format!(
                    "{} — {} {} on {}: {problem}\n    got {answer:?}",
                    case.name,
                    case.method,
                    case.path,
                    server.name()
                ));
            }
            answers.push(answer);
        }
        if answers[0] != answers[1] {
            failures.push(format!(
                "{} — {} {}: the servers differ\n    axum  {:?}\n    actix {:?}",
                case.name, case.method, case.path, answers[0], answers[1]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs `program` with `env` (no other `SCOPEGUARD_*` variable) and
/// answers its exit status and stderr; it must exit within 10 s.
async fn run_misconfigured(program: &str, env: &[(&str, &str)]) -> (std::process::ExitStatus, String) {
    let mut command = tokio::process::Command::new(program);
    for (variable, _) in std::env::vars().filter(|(variable, _)| variable.starts_with("SCOPEGUARD_")) {
        command.env_remove(variable);
    }
    command
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(10), command.output())
        .await
        .expect("a misconfigured server exits at once")
        .expect("the server runs");
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_bad_configuration_is_a_clear_error_and_a_failed_exit() {
    for program in [
        env!("CARGO_BIN_EXE_conformance-axum"),
        env!("CARGO_BIN_EXE_conformance-actix"),
    ] {
        let (status, stderr) = run_misconfigured(program, &[]).await;
        assert!(!status.success(), "{program}: {status}");
        assert!(stderr.contains("SCOPEGUARD_ISSUER is required"), "{stderr}");
        assert!(stderr.contains("SCOPEGUARD_AUDIENCE is required"), "{stderr}");

        let (status, stderr) = run_misconfigured(
            program,
            &[
                ("SCOPEGUARD_ADDR", "somewhere"),
                ("SCOPEGUARD_ISSUER", "http://127.0.0.1:9"),
                ("SCOPEGUARD_AUDIENCE", AUDIENCE),
                ("SCOPEGUARD_LEEWAY_SECS", "a minute"),
                ("SCOPEGUARD_INTROSPECTION_URL", "http://127.0.0.1:9/introspect"),
                ("SCOPEGUARD_DOWNSTREAM_URL", "http://127.0.0.1:9"),
            ],
        )
        .await;
        assert!(!status.success(), "{program}: {status}");
        for variable in [
            "SCOPEGUARD_ADDR",
            "SCOPEGUARD_LEEWAY_SECS",
            "SCOPEGUARD_INTROSPECTION_CLIENT_ID",
            "SCOPEGUARD_TOKEN_EXCHANGE_CLIENT_SECRET",
        ] {
            assert!(stderr.contains(variable), "{variable} is named: {stderr}");
        }
        assert!(!stderr.contains("panicked"), "no panic: {stderr}");

        let (status, stderr) = run_misconfigured(
            program,
            &[
                ("SCOPEGUARD_ADDR", "127.0.0.1:0"),
                ("SCOPEGUARD_ISSUER", "not a url"),
                ("SCOPEGUARD_AUDIENCE", AUDIENCE),
            ],
        )
        .await;
        assert!(!status.success(), "{program}: {status}");
        assert!(stderr.contains("issuer"), "the issuer is named: {stderr}");
        assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    }
}
