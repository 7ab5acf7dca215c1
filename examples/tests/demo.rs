//! The inventory demos answer every caller on every route as the table in
//! `demo_support/table.rs` says: a table written from SPEC and the routes'
//! requirements, not from what the demos print. Each demo binary runs as a
//! child process; the callers' tokens are read from its printed
//! walkthrough, and each caller is told by its token's claims. Then:
//!
//! - every printed request (a `# ... -> expect STATUS` heading and the
//!   `curl` line under it) must be one the table marks as printed, with the
//!   table's status, and every request the table marks must be printed;
//! - every printed request, made as printed, answers that status;
//! - every caller on every route of the table answers the table's status,
//!   challenge `error` and body `error` (and `scope` on a 403).
//!
//! With a configured provider the demos print no tokens and trust that
//! provider's tokens, found by discovery or at a JWKS URL.

mod demo_support;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use demo_support::printed::{Promise, caller_of, promise, promises};
use demo_support::running::{ACTIX, AXUM, RunningDemo, client};
use demo_support::table::{Answer, CALLERS, Caller, PrintedRequest, ROUTES, Route, walkthrough_problems};
use reqwest::{Client, Method};
use scopeguard_core::test_util::TestIssuer;
use scopeguard_examples::demo::issuer::{DevIssuer, JWKS_PATH};
use serde_json::json;

/// Makes the request of `promise`, answering its status.
async fn perform(client: &Client, promise: &Promise) -> u16 {
    let mut request = client.request(promise.method.clone(), &promise.url);
    for (name, value) in &promise.headers {
        request = request.header(name, value);
    }
    if let Some(body) = &promise.body {
        request = request.body(body.clone());
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|error| panic!("{}: {error}", promise.heading));
    response.status().as_u16()
}

/// What is wrong with the answer of `route` to a caller, if anything,
/// against the table's `answer` (SPEC §4).
async fn answer_problems(response: reqwest::Response, route: &Route, answer: Answer) -> Vec<String> {
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = response.bytes().await.unwrap_or_default();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let mut problems = Vec::new();
    if status != answer.status() {
        problems.push(format!("status {status}, the table says {}", answer.status()));
    }
    let Some(error) = answer.error() else {
        return problems;
    };
    let challenge = challenge.unwrap_or_default();
    let mut wanted = vec!["Bearer realm=".to_owned()];
    match answer {
        Answer::NoToken if challenge.contains("error=") => {
            problems.push(format!("a challenge with an error, without a token: {challenge}"));
        }
        Answer::NoToken | Answer::Allowed => {}
        Answer::InvalidToken => wanted.push(format!(r#"error="{error}""#)),
        Answer::StepUp => wanted.extend([format!(r#"error="{error}""#), r#"max_age="300""#.to_owned()]),
        Answer::Forbidden => {
            let scope = route.scope.expect("a route that can answer 403 names its scope");
            wanted.extend([format!(r#"error="{error}""#), format!(r#"scope="{scope}""#)]);
            if body["scope"] != scope {
                problems.push(format!("body scope {}, the table says {scope}", body["scope"]));
            }
        }
    }
    for part in wanted {
        if !challenge.contains(&part) {
            problems.push(format!("no {part} in the challenge {challenge:?}"));
        }
    }
    if body["error"] != error {
        problems.push(format!("body {body}, the table says error {error}"));
    }
    problems
}

/// What is wrong with what the shipping API received from the orders side
/// for `sub`, if anything: a token exchanged for `order:shipping` only,
/// same `sub`, for the shipping API's audience, not the demo's.
async fn tracking_problems(client: &Client, base: &str, token: &str, sub: &str) -> Vec<String> {
    let response = client
        .get(format!("{base}/orders/1001/shipping/tracking"))
        .bearer_auth(token)
        .send()
        .await
        .expect("an answer");
    let body: serde_json::Value =
        serde_json::from_slice(&response.bytes().await.unwrap_or_default()).unwrap_or_default();
    let received = &body["shipping"]["received"];
    let mut problems = Vec::new();
    if received["scope"] != "order:shipping" {
        problems.push(format!(
            "{sub}: the shipping API received the scopes {}",
            received["scope"]
        ));
    }
    if received["sub"] != sub {
        problems.push(format!(
            "{sub}: the shipping API received the sub {}",
            received["sub"]
        ));
    }
    let aud = received["aud"].as_array().cloned().unwrap_or_default();
    if aud.len() != 1
        || aud[0] == base
        || !aud[0]
            .as_str()
            .is_some_and(|aud| aud.starts_with("http://127.0.0.1:"))
    {
        problems.push(format!("{sub}: the shipping API received the audience {aud:?}"));
    }
    if body["shipping"]["parcel"]["status"] != "in transit" {
        problems.push(format!("{sub}: no parcel in {body}"));
    }
    problems
}

async fn the_demo_answers_as_the_table_says(binary: &str) {
    let demo = RunningDemo::start(binary, &[]).await;
    let promises = promises(&demo.stdout);
    let printed: Vec<PrintedRequest> = promises
        .iter()
        .map(|promise| {
            promise
                .request(&demo.base)
                .unwrap_or_else(|problem| panic!("{}: {problem}", promise.heading))
        })
        .collect();
    let problems = walkthrough_problems(&printed);
    assert!(
        problems.is_empty(),
        "the printed walkthrough disagrees with the table:\n{}",
        problems.join("\n")
    );

    let client = client();
    for promise in &promises {
        let status = perform(&client, promise).await;
        assert_eq!(
            status,
            promise.expect,
            "{}\nlog:\n{}",
            promise.heading,
            demo.log()
        );
    }

    let mut problems = Vec::new();
    for (caller, sub) in [(Caller::Customer, "alice"), (Caller::Administrator, "carol")] {
        let token = promises
            .iter()
            .find(|promise| promise.caller() == Ok(caller))
            .and_then(Promise::token)
            .expect("a printed token");
        problems.extend(tracking_problems(&client, &demo.base, token, sub).await);
    }
    for caller in CALLERS {
        let token = promises
            .iter()
            .find(|promise| promise.caller() == Ok(caller))
            .map(Promise::token);
        let token = token.unwrap_or_else(|| panic!("the walkthrough prints no request of {caller:?}"));
        for route in &ROUTES {
            let path = route.path();
            let method: Method = route.method.parse().expect("a method");
            let mut request = client.request(method, format!("{}{path}", demo.base));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = route.body {
                request = request.header("content-type", "application/json").body(body);
            }
            let response = request.send().await.expect("an answer");
            let answer = route.answer(caller).answer;
            for problem in answer_problems(response, route, answer).await {
                problems.push(format!(
                    "{caller:?} {} {path} (requires {}): {problem}",
                    route.method, route.requires
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "answers other than the table's:\n{}\nlog:\n{}",
        problems.join("\n"),
        demo.log()
    );
}

#[tokio::test]
async fn the_axum_demo_answers_as_the_table_says() {
    the_demo_answers_as_the_table_says(AXUM).await;
}

#[tokio::test]
async fn the_actix_demo_answers_as_the_table_says() {
    the_demo_answers_as_the_table_says(ACTIX).await;
}

/// With a configured provider (here a development issuer of the test), the
/// demo prints no tokens, accepts that provider's tokens with the right
/// scope (200), refuses them without it (403), and refuses another key's
/// (401).
async fn a_configured_provider_is_trusted(binary: &str, by_jwks_url: bool) {
    const AUDIENCE: &str = "https://inventory.example";
    let provider = DevIssuer::start(AUDIENCE).await.expect("a development issuer");
    let jwks_url = format!("{}{JWKS_PATH}", provider.url());
    let mut env = vec![
        ("SCOPEGUARD_ISSUER", provider.url()),
        ("SCOPEGUARD_AUDIENCE", AUDIENCE),
    ];
    if by_jwks_url {
        env.push(("SCOPEGUARD_JWKS_URL", jwks_url.as_str()));
    }
    let demo = RunningDemo::start(binary, &env).await;
    let printed = demo.stdout.join("\n");
    assert!(
        !printed.contains("Bearer") && !printed.contains("curl "),
        "{printed}"
    );

    let other_key = TestIssuer::builder()
        .issuer(provider.url())
        .audience(AUDIENCE)
        .build()
        .expect("another issuer");
    let cases = [
        (provider.issuer().token().scopes("order:item").sign(), 200),
        (provider.issuer().token().scopes("order:shipping").sign(), 403),
        (other_key.token().scopes("order:item").sign(), 401),
    ];
    let client = client();
    for (token, expect) in cases {
        let response = client
            .get(format!("{}/orders/1001/items", demo.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status().as_u16(), expect, "log:\n{}", demo.log());
    }
}

#[tokio::test]
async fn the_axum_demo_trusts_a_provider_found_by_discovery() {
    a_configured_provider_is_trusted(AXUM, false).await;
}

#[tokio::test]
async fn the_actix_demo_trusts_a_provider_at_a_jwks_url() {
    a_configured_provider_is_trusted(ACTIX, true).await;
}

/// The printed requests a walkthrough matching the table makes.
fn walkthrough_of_the_table() -> Vec<PrintedRequest> {
    ROUTES
        .iter()
        .flat_map(|route| {
            CALLERS
                .into_iter()
                .filter(|caller| route.answer(*caller).printed)
                .map(|caller| PrintedRequest {
                    caller,
                    method: route.method.to_owned(),
                    path: route.path(),
                    promised: route.answer(caller).answer.status(),
                })
        })
        .collect()
}

#[test]
fn a_walkthrough_disagreeing_with_the_table_is_caught() {
    let walkthrough = walkthrough_of_the_table();
    assert_eq!(walkthrough.len(), 25);
    assert_eq!(walkthrough_problems(&walkthrough), Vec::<String>::new());

    let mut wrong_status = walkthrough.clone();
    wrong_status[0].promised = 403;
    let problems = walkthrough_problems(&wrong_status);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("the demo promises 403, the table says 200"),
        "{problems:?}"
    );

    let missing = &walkthrough[1..];
    let problems = walkthrough_problems(missing);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("missing from the walkthrough"),
        "{problems:?}"
    );

    let mut unexpected = walkthrough.clone();
    unexpected.push(PrintedRequest {
        caller: Caller::Supplier,
        method: "GET".to_owned(),
        path: "/me".to_owned(),
        promised: 200,
    });
    unexpected.push(PrintedRequest {
        caller: Caller::Supplier,
        method: "DELETE".to_owned(),
        path: "/orders/1001".to_owned(),
        promised: 405,
    });
    let problems = walkthrough_problems(&unexpected);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains("does not expect it in the walkthrough"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("a route the table does not know"),
        "{problems:?}"
    );
}

fn unsigned_token(claims: &serde_json::Value) -> String {
    format!("e30.{}.c2ln", URL_SAFE_NO_PAD.encode(claims.to_string()))
}

#[test]
fn a_caller_is_told_by_the_claims_of_its_token() {
    let exp = 4_000_000_000_u64;
    let token =
        |sub: &str, scope: &str, exp: u64| unsigned_token(&json!({"sub": sub, "scope": scope, "exp": exp}));
    assert_eq!(
        caller_of(&token("carol", "transaction-42 order inventory.write", exp)),
        Ok(Caller::Administrator)
    );
    assert_eq!(
        caller_of(&token(
            "alice",
            "order:item order:shipping inventory:price payment.write",
            1
        )),
        Ok(Caller::ExpiredCustomer)
    );
    assert!(
        caller_of(&token("alice", "order:item", exp)).is_err(),
        "other scopes"
    );
    assert!(
        caller_of(&token("bob", "payment.write order:item", 1)).is_err(),
        "no such caller"
    );
    assert!(caller_of(&token("mallory", "", exp)).is_err(), "no such persona");
    assert!(caller_of("not-a-token").is_err());
}

#[test]
fn a_curl_line_is_read_as_the_shell_reads_it() {
    let promise = promise(
        "# customer pays -> expect 401 (step up)",
        r#"curl -i -X POST 'http://127.0.0.1:1/payments' -H 'Authorization: Bearer a.b.c' -H 'Content-Type: application/json' -d '{"order":1, "cents":2}'"#,
    );
    assert_eq!(promise.expect, 401);
    assert_eq!(promise.method, Method::POST);
    assert_eq!(promise.url, "http://127.0.0.1:1/payments");
    assert_eq!(
        promise.headers[0],
        ("Authorization".to_owned(), "Bearer a.b.c".to_owned())
    );
    assert_eq!(promise.body.as_deref(), Some(r#"{"order":1, "cents":2}"#));
}
