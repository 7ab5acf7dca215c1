//! A token endpoint on 127.0.0.1 for token-exchange tests (SPEC §3.8): a
//! `TestIssuer` answers RFC 8693 requests over HTTP (downscoping only, same
//! `sub` and `exp`), after checking the client's credentials (Basic or in
//! the form). The test counts the calls, reads the last form, and makes
//! the endpoint slow, refuse, or answer a broader scope than asked for.
//! It also serves the issuer's metadata, naming the endpoint, for
//! discovery.
//!
//! Included with `#[path]` as `mod token_endpoint_server;`.
#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use scopeguard_core::test_util::TestIssuer;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The client the endpoint accepts.
pub(crate) const CLIENT_ID: &str = "orders-api";
/// Its secret.
pub(crate) const CLIENT_SECRET: &str = "orders-secret";

/// How the endpoint behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Behaviour {
    /// Answers as the test issuer does.
    Issue,
    /// Answers 400 with this OAuth error.
    Refuse(&'static str),
    /// Issues the token, but its answer names this `scope`.
    AnswerScope(&'static str),
    /// Answers 500.
    ServerError,
}

struct Shared {
    issuer: TestIssuer,
    behaviour: Mutex<Behaviour>,
    delay: Mutex<Duration>,
    calls: AtomicUsize,
    last_form: Mutex<Vec<(String, String)>>,
}

/// The running endpoint; stopped when dropped.
pub(crate) struct TokenEndpointServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl TokenEndpointServer {
    /// An endpoint for a new issuer whose URL is the server's.
    pub(crate) async fn start() -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a loopback port");
        let addr = listener.local_addr().expect("the bound address");
        let issuer = TestIssuer::builder()
            .issuer(format!("http://{addr}"))
            .audience("https://orders.test")
            .build()
            .expect("a test issuer");
        let shared = Arc::new(Shared {
            issuer,
            behaviour: Mutex::new(Behaviour::Issue),
            delay: Mutex::new(Duration::ZERO),
            calls: AtomicUsize::new(0),
            last_form: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/token", post(token))
            .route("/.well-known/openid-configuration", get(metadata))
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, shared, task }
    }

    /// The issuer behind the endpoint: it mints the callers' tokens.
    pub(crate) fn issuer(&self) -> &TestIssuer {
        &self.shared.issuer
    }

    /// The issuer URL, `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The token endpoint's URL.
    pub(crate) fn token_url(&self) -> String {
        format!("http://{}/token", self.addr)
    }

    /// Changes how the endpoint answers from now on.
    pub(crate) fn set(&self, behaviour: Behaviour) {
        *lock(&self.shared.behaviour) = behaviour;
    }

    /// Makes every answer wait `delay` first.
    pub(crate) fn delay(&self, delay: Duration) {
        *lock(&self.shared.delay) = delay;
    }

    /// The token requests received so far.
    pub(crate) fn calls(&self) -> usize {
        self.shared.calls.load(Ordering::SeqCst)
    }

    /// The form parameter `name` of the last request.
    pub(crate) fn last(&self, name: &str) -> Option<String> {
        lock(&self.shared.last_form)
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    }
}

impl Drop for TokenEndpointServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn metadata(State(shared): State<Arc<Shared>>) -> Response {
    let issuer = shared.issuer.issuer().to_owned();
    let body = serde_json::json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/jwks.json"),
        "token_endpoint": format!("{issuer}/token"),
    });
    ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    shared.calls.fetch_add(1, Ordering::SeqCst);
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    lock(&shared.last_form).clone_from(&form);
    let delay = *lock(&shared.delay);
    tokio::time::sleep(delay).await;
    if !authenticated(&headers, &form) {
        return json(
            StatusCode::UNAUTHORIZED,
            r#"{"error":"invalid_client"}"#.to_owned(),
        );
    }
    let behaviour = lock(&shared.behaviour).clone();
    match behaviour {
        Behaviour::Refuse(error) => json(StatusCode::BAD_REQUEST, format!(r#"{{"error":"{error}"}}"#)),
        Behaviour::ServerError => json(StatusCode::INTERNAL_SERVER_ERROR, "{}".to_owned()),
        Behaviour::Issue | Behaviour::AnswerScope(_) => {
            let answer = shared.issuer.answer_token_request_body(&body).await;
            let mut body: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
            if let Behaviour::AnswerScope(scope) = behaviour {
                body["scope"] = scope.into();
            }
            json(
                StatusCode::from_u16(answer.status).expect("a status"),
                body.to_string(),
            )
        }
    }
}

/// The client's credentials, in the `Authorization` header or the form.
fn authenticated(headers: &HeaderMap, form: &[(String, String)]) -> bool {
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let in_header = headers
        .get(header::AUTHORIZATION)
        .is_some_and(|value| value.as_bytes() == basic.as_bytes());
    let param = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let in_form = param("client_id") == Some(CLIENT_ID) && param("client_secret") == Some(CLIENT_SECRET);
    in_header || in_form
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
