//! The gateway's route table: read from TOML, first match wins, methods,
//! public routes, and a bad file is a startup error naming the line.

use axum::http::Method;
use scopeguard_examples::gateway::{Access, LineProblem, RouteTable, TokenMode};

const FILE: &str = r#"
[upstreams.inventory]
url = "http://127.0.0.1:3000"
token = "jwt"

[upstreams.reports]
url = "http://127.0.0.1:3001"
token = "phantom"

[[route]]
path = "/health"
upstream = "inventory"
public = true

[[route]]
path = "/orders/{id}"
methods = ["GET"]
upstream = "inventory"
requires = "order"

[[route]]
path = "/orders/{id}"
methods = ["PUT", "DELETE"]
upstream = "inventory"
requires = "order.write"

[[route]]
path = "/reports/special"
upstream = "reports"
requires = "all(report:read, admin)"

[[route]]
path = "/reports/{*name}"
upstream = "reports"
requires = "any(report:read, inventory:sales)"

[[route]]
path = "/transactions/{tx}/approve"
methods = ["POST"]
upstream = "inventory"
requires = "transaction-{tx}"
"#;

fn table() -> RouteTable {
    RouteTable::parse(FILE).expect("a valid route file")
}

/// The line of the route that serves `method` `path`, or `None`.
fn line_of(method: &Method, path: &str) -> Option<usize> {
    let table = table();
    table
        .find(method, path)
        .map(|matched| table.routes()[matched.route].line)
}

#[test]
fn upstreams_and_routes_are_read_in_order() {
    let table = table();
    let names: Vec<_> = table
        .upstreams()
        .iter()
        .map(|upstream| {
            (
                upstream.name.as_str(),
                upstream.authority.as_str(),
                upstream.token,
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("inventory", "127.0.0.1:3000", TokenMode::ForwardJwt),
            ("reports", "127.0.0.1:3001", TokenMode::PhantomToken),
        ]
    );
    let lines: Vec<_> = table.routes().iter().map(|route| route.line).collect();
    assert_eq!(lines, [10, 15, 21, 27, 32, 37]);
    assert!(matches!(table.routes()[0].access, Access::Public));
    let Access::Requires(requirement) = &table.routes()[3].access else {
        panic!("a protected route")
    };
    assert_eq!(requirement.to_string(), "all(report:read, admin)");
}

#[test]
fn the_first_matching_route_wins() {
    assert_eq!(line_of(&Method::GET, "/reports/special"), Some(27));
    assert_eq!(line_of(&Method::GET, "/reports/monthly"), Some(32));
    assert_eq!(line_of(&Method::GET, "/reports/2024/q1"), Some(32));
}

#[test]
fn methods_select_among_routes_of_one_path() {
    assert_eq!(line_of(&Method::GET, "/orders/7"), Some(15));
    assert_eq!(line_of(&Method::PUT, "/orders/7"), Some(21));
    assert_eq!(line_of(&Method::DELETE, "/orders/7"), Some(21));
    assert_eq!(line_of(&Method::POST, "/orders/7"), None);
    // A route without `methods` serves every method.
    assert_eq!(line_of(&Method::DELETE, "/health"), Some(10));
    assert_eq!(line_of(&Method::GET, "/transactions/9/approve"), None);
}

#[test]
fn paths_no_route_serves_match_nothing() {
    for path in [
        "/",
        "/orders",
        "/orders/",
        "/orders/7/items",
        "/healthz",
        "/reports/",
    ] {
        assert_eq!(line_of(&Method::GET, path), None, "{path}");
    }
}

#[test]
fn parameters_are_percent_decoded() {
    let table = table();
    let matched = table
        .find(&Method::POST, "/transactions/a%2Fb/approve")
        .expect("a route");
    assert_eq!(matched.params, [("tx".to_owned(), "a/b".to_owned())]);
}

/// The problems of `file`, as (line, part of the message).
fn problems(file: &str) -> Vec<LineProblem> {
    RouteTable::parse(file).expect_err("a bad file").problems
}

fn assert_problems(file: &str, expected: &[(usize, &str)]) {
    let found = problems(file);
    assert_eq!(found.len(), expected.len(), "{found:?}");
    for (problem, (line, words)) in found.iter().zip(expected) {
        assert_eq!(problem.line, *line, "{found:?}");
        assert!(problem.message.contains(words), "{words:?} in {found:?}");
    }
}

#[test]
fn a_toml_syntax_error_names_its_line() {
    assert_problems(
        "[upstreams.a]\nurl = \"http://127.0.0.1:1\"\ntoken = jwt\n",
        &[(3, "")],
    );
}

#[test]
fn an_unknown_key_or_token_mode_names_its_line() {
    assert_problems(
        "[upstreams.a]\nurl = \"http://127.0.0.1:1\"\ntoken = \"opaque\"\n",
        &[(3, "jwt")],
    );
    assert_problems(
        "[[route]]\npath = \"/a\"\nupstream = \"a\"\npublik = true\n",
        &[(4, "publik")],
    );
}

#[test]
fn every_semantic_problem_is_reported_with_its_line() {
    let file = r#"[upstreams.a]
url = "https://127.0.0.1:1"
token = "jwt"

[upstreams.b]
url = "http://127.0.0.1:2"
token = "none"

[[route]]
path = "orders"
upstream = "b"
public = true

[[route]]
path = "/orders/{id}"
methods = ["get"]
upstream = "c"
requires = "order"

[[route]]
path = "/x"
upstream = "b"
requires = "any(a"

[[route]]
path = "/y"
upstream = "b"

[[route]]
path = "/tx"
upstream = "b"
requires = "transaction-{tx}"

[[route]]
path = "/z"
upstream = "b"
requires = "z"
public = true
"#;
    assert_problems(
        file,
        &[
            (2, "not an upstream URL"),
            (10, "starts with `/`"),
            (16, "`get` is not a method"),
            (17, "no upstream is named `c`"),
            (23, "requirement `any(a`"),
            (26, "needs `requires"),
            (32, "`{tx}`"),
            (37, "not both"),
        ],
    );
}
