//! The inventory demos keep the promises they print: each demo binary is
//! started as a child process, every `# ... -> expect STATUS` heading and
//! the `curl` line under it are read from its stdout, the request is made
//! with reqwest, and the status must be the one printed.
//!
//! With a configured provider the demos print no tokens and trust that
//! provider's tokens, found by discovery or at a JWKS URL.

use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::{Client, Method};
use scopeguard_core::test_util::TestIssuer;
use scopeguard_examples::demo::issuer::{DevIssuer, JWKS_PATH};
use scopeguard_examples::demo::personas::PERSONAS;
use scopeguard_examples::demo::walkthrough::STEPS;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::timeout;

/// How long a demo may take to print its walkthrough and listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// The deadline of one request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// What a demo prints last, before the API's URL.
const READY: &str = "listening on ";

const AXUM: &str = env!("CARGO_BIN_EXE_inventory-api");
const ACTIX: &str = env!("CARGO_BIN_EXE_inventory-api-actix");

/// A demo running as a child process, killed when dropped.
struct RunningDemo {
    _child: Child,
    /// What it printed on stdout up to and including the ready line.
    stdout: Vec<String>,
    /// The API's root URL, from the ready line.
    base: String,
    /// Its log so far, for failure messages.
    stderr: Arc<Mutex<String>>,
}

impl RunningDemo {
    /// Starts `binary` on a free port with the `SCOPEGUARD_*` variables
    /// `env` (and no others), and waits for its ready line.
    async fn start(binary: &str, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(binary);
        for variable in [
            "SCOPEGUARD_ISSUER",
            "SCOPEGUARD_AUDIENCE",
            "SCOPEGUARD_JWKS_URL",
            "RUST_LOG",
        ] {
            command.env_remove(variable);
        }
        command
            .env("SCOPEGUARD_ADDR", "127.0.0.1:0")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("the demo starts");

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr is piped");
        let log = Arc::clone(&stderr);
        tokio::spawn(async move {
            let mut chunk = [0_u8; 4096];
            while let Ok(read @ 1..) = pipe.read(&mut chunk).await {
                log.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push_str(&String::from_utf8_lossy(&chunk[..read]));
            }
        });

        let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
        let mut stdout = Vec::new();
        let base = timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await.expect("stdout is readable") {
                let ready = line.strip_prefix(READY).map(str::to_owned);
                stdout.push(line);
                if ready.is_some() {
                    return ready;
                }
            }
            None
        })
        .await;
        let log = stderr.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let base = match base {
            Ok(Some(base)) => base,
            Ok(None) => panic!("{binary} exited before listening; stdout: {stdout:#?}; stderr:\n{log}"),
            Err(elapsed) => {
                panic!("{binary} did not listen within {START_TIMEOUT:?} ({elapsed}); stderr:\n{log}")
            }
        };
        // Keep reading stdout so that the demo never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            _child: child,
            stdout,
            base,
            stderr,
        }
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// A printed request and the status promised for it.
#[derive(Debug)]
struct Promise {
    heading: String,
    expect: u16,
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

/// Splits a shell line into words: spaces separate, single quotes group.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quoted = false;
    for character in line.chars() {
        match character {
            '\'' => {
                quoted = !quoted;
                word.get_or_insert_with(String::new);
            }
            ' ' if !quoted => words.extend(word.take()),
            _ => word.get_or_insert_with(String::new).push(character),
        }
    }
    assert!(!quoted, "an unterminated quote in {line}");
    words.extend(word);
    words
}

/// The promise of a heading and the `curl` line under it.
fn promise(heading: &str, curl: &str) -> Promise {
    let (_, expect) = heading
        .split_once(" -> expect ")
        .unwrap_or_else(|| panic!("no expectation in {heading}"));
    let expect = expect
        .get(..3)
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("no status in {heading}"));
    let words = shell_words(curl);
    assert_eq!(
        words.first().map(String::as_str),
        Some("curl"),
        "not a curl line: {curl}"
    );
    let mut promise = Promise {
        heading: heading.to_owned(),
        expect,
        method: Method::GET,
        url: String::new(),
        headers: Vec::new(),
        body: None,
    };
    let mut words = words.into_iter().skip(1);
    while let Some(word) = words.next() {
        let mut value = || {
            words
                .next()
                .unwrap_or_else(|| panic!("{word} needs a value in {curl}"))
        };
        match word.as_str() {
            "-i" => {}
            "-X" => promise.method = value().parse().expect("a method"),
            "-H" => {
                let header = value();
                let (name, value) = header.split_once(": ").expect("a `Name: value` header");
                promise.headers.push((name.to_owned(), value.to_owned()));
            }
            "-d" => promise.body = Some(value()),
            url if !url.starts_with('-') => url.clone_into(&mut promise.url),
            other => panic!("unexpected curl option {other} in {curl}"),
        }
    }
    assert!(promise.url.starts_with("http://"), "no URL in {curl}");
    promise
}

/// Every promise printed on `stdout`.
fn promises(stdout: &[String]) -> Vec<Promise> {
    stdout
        .iter()
        .enumerate()
        .filter(|(_, line)| line.starts_with("# ") && line.contains(" -> expect "))
        .map(|(at, heading)| {
            let curl = stdout.get(at + 1).map_or("", String::as_str);
            promise(heading, curl)
        })
        .collect()
}

fn client() -> Client {
    Client::builder()
        .no_proxy()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("a client")
}

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

async fn every_printed_promise_is_kept(binary: &str) {
    let demo = RunningDemo::start(binary, &[]).await;
    let promises = promises(&demo.stdout);
    assert_eq!(
        promises.len(),
        STEPS.len(),
        "every step is printed: {:#?}",
        demo.stdout
    );
    for persona in PERSONAS {
        assert!(
            promises
                .iter()
                .any(|promise| promise.heading.starts_with(&format!("# {} ", persona.name))),
            "{} has a request",
            persona.name
        );
    }
    for status in [200, 401, 403] {
        assert!(
            promises.iter().any(|promise| promise.expect == status),
            "some request expects {status}"
        );
    }
    let client = client();
    for promise in &promises {
        assert!(
            promise.url.starts_with(&demo.base),
            "{} is on {}",
            promise.url,
            demo.base
        );
        let status = perform(&client, promise).await;
        assert_eq!(
            status,
            promise.expect,
            "{}\nlog:\n{}",
            promise.heading,
            demo.log()
        );
    }
}

#[tokio::test]
async fn the_axum_demo_keeps_every_printed_promise() {
    every_printed_promise_is_kept(AXUM).await;
}

#[tokio::test]
async fn the_actix_demo_keeps_every_printed_promise() {
    every_printed_promise_is_kept(ACTIX).await;
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
