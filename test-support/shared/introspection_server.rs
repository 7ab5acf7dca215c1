//! An introspection endpoint on 127.0.0.1 for the introspection tests of
//! scopeguard-core and of both adapters (RFC 7662 §2): it checks the request
//! and the client's authentication, answers each token with a reply the test
//! can change at any time, and counts the calls per token.
//!
//! Included with `#[path]` as `mod introspection_server;`; each test binary
//! uses part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use scopeguard_core::error::{InvalidToken, Unavailable};
use scopeguard_core::validation::introspection::{IntrospectionValidator, IntrospectionValidatorBuilder};
use scopeguard_core::{AuthError, TokenValidator};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The client the endpoint knows: an id and a secret with characters that
/// must be form-encoded for `client_secret_basic` (RFC 6749 §2.3.1).
pub(crate) const CLIENT_ID: &str = "orders api";
pub(crate) const CLIENT_SECRET: &str = "s3cret:with+special&chars=%";

/// The issuer the answers name and the validators expect.
pub(crate) const ISSUER: &str = "https://idp.example";
/// The audience the answers name and the validators expect.
pub(crate) const AUDIENCE: &str = "orders-api";
/// The timeouts of the validators: short, so failing cases end quickly.
pub(crate) const TIMEOUT: Duration = Duration::from_millis(300);

/// Seconds since the epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after the epoch")
        .as_secs()
}

/// How a request authenticated its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Authenticated {
    Basic,
    Post,
}

/// What the endpoint answers for one token.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    status: u16,
    body: String,
    location: Option<String>,
    delay: Duration,
    /// The `Content-Type` of the answer, and the `Accept` the request must
    /// carry for it (else 406).
    media_type: &'static str,
}

/// The media type of a plain answer (RFC 7662 §2.2).
pub(crate) const JSON: &str = "application/json";
/// The media type of a signed answer (RFC 9701 §4).
pub(crate) const INTROSPECTION_JWT: &str = "application/token-introspection+jwt";

impl Reply {
    /// 200 with a JSON body.
    pub(crate) fn json(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            body: body.into(),
            location: None,
            delay: Duration::ZERO,
            media_type: JSON,
        }
    }

    /// 200 with a signed answer (RFC 9701), for requests that ask for one.
    pub(crate) fn jwt(body: impl Into<String>) -> Self {
        Self {
            media_type: INTROSPECTION_JWT,
            ..Self::json(body)
        }
    }

    /// A status with an empty body.
    pub(crate) fn status(status: u16) -> Self {
        Self {
            status,
            body: String::new(),
            location: None,
            delay: Duration::ZERO,
            media_type: JSON,
        }
    }

    /// 307 to `location`.
    pub(crate) fn redirect(location: impl Into<String>) -> Self {
        Self {
            location: Some(location.into()),
            ..Self::status(307)
        }
    }

    /// The same reply, `delay` later.
    pub(crate) fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Default)]
struct Shared {
    replies: Mutex<HashMap<String, Reply>>,
    calls: Mutex<HashMap<String, usize>>,
    authenticated: Mutex<Vec<Authenticated>>,
}

/// The running endpoint; stopped when dropped.
pub(crate) struct IntrospectionServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for IntrospectionServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl IntrospectionServer {
    /// Starts the endpoint on a free port of 127.0.0.1.
    pub(crate) async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let app = Router::new()
            .route("/introspect", post(introspect))
            .with_state(Arc::clone(&shared));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("the local address");
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("the introspection endpoint");
        });
        Self { addr, shared, task }
    }

    /// The endpoint's URL.
    pub(crate) fn url(&self) -> String {
        format!("http://{}/introspect", self.addr)
    }

    /// A validator builder for this endpoint expecting [`ISSUER`] and
    /// [`AUDIENCE`], with [`TIMEOUT`]s.
    pub(crate) fn builder(&self) -> IntrospectionValidatorBuilder {
        validator_builder(self.url())
    }

    /// [`builder`](Self::builder), built.
    pub(crate) fn validator(&self) -> IntrospectionValidator {
        self.builder().build().expect("a valid configuration")
    }

    /// Answers `token` with `reply` from now on (unknown tokens are
    /// inactive).
    pub(crate) fn reply(&self, token: &str, reply: Reply) {
        lock(&self.shared.replies).insert(token.to_owned(), reply);
    }

    /// The calls that asked about `token` so far.
    pub(crate) fn calls(&self, token: &str) -> usize {
        lock(&self.shared.calls).get(token).copied().unwrap_or(0)
    }

    /// How each call so far authenticated its client.
    pub(crate) fn authenticated(&self) -> Vec<Authenticated> {
        lock(&self.shared.authenticated).clone()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One form-urlencoded value, decoded.
fn form_decoded(value: &str) -> String {
    form_urlencoded::parse(value.as_bytes())
        .next()
        .map(|(decoded, _)| decoded.into_owned())
        .unwrap_or_default()
}

/// Checks the request per RFC 7662 §2.1 and the client per RFC 6749
/// §2.3.1: 400 for a malformed request, 401 for a client it does not know.
async fn introspect(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    if header(CONTENT_TYPE) != Some("application/x-www-form-urlencoded")
        || !matches!(header(ACCEPT), Some(JSON | INTROSPECTION_JWT))
    {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let basic = header(AUTHORIZATION)
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            Some((form_decoded(id), form_decoded(secret)))
        });
    let posted = form.get("client_id").map(|id| {
        let secret = form.get("client_secret").cloned().unwrap_or_default();
        (id.clone(), secret)
    });
    let (method, (id, secret)) = match (basic, posted) {
        (Some(credentials), None) => (Authenticated::Basic, credentials),
        (None, Some(credentials)) => (Authenticated::Post, credentials),
        _ => return StatusCode::UNAUTHORIZED.into_response(),
    };
    if id != CLIENT_ID || secret != CLIENT_SECRET {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let (Some(token), Some("access_token")) =
        (form.get("token"), form.get("token_type_hint").map(String::as_str))
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    lock(&shared.authenticated).push(method);
    *lock(&shared.calls).entry(token.clone()).or_default() += 1;
    let reply = lock(&shared.replies)
        .get(token)
        .cloned()
        .unwrap_or_else(|| Reply::json(r#"{"active": false}"#));
    // A signed answer only to a client that asks for one; a plain answer
    // to anyone, as a server that does not know RFC 9701 does.
    if reply.media_type == INTROSPECTION_JWT && header(ACCEPT) != Some(INTROSPECTION_JWT) {
        return StatusCode::NOT_ACCEPTABLE.into_response();
    }
    // No timer without a delay: a test's manual clock might never fire it.
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = Response::builder()
        .status(reply.status)
        .header(CONTENT_TYPE, reply.media_type);
    if let Some(location) = reply.location {
        response = response.header(LOCATION, location);
    }
    response.body(Body::from(reply.body)).expect("a response")
}

/// An address on 127.0.0.1 where nothing listens.
pub(crate) async fn unused_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    listener.local_addr().expect("the local address")
}

/// A validator builder for the endpoint at `url`, configured as
/// [`IntrospectionServer::builder`].
pub(crate) fn validator_builder(url: String) -> IntrospectionValidatorBuilder {
    IntrospectionValidator::builder(url)
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
}

/// An active answer for [`ISSUER`] and [`AUDIENCE`], `sub` `alice`, scopes
/// `order inventory:price`, with `extra` members added or replaced (`null`
/// removes one).
pub(crate) fn active(extra: serde_json::Value) -> Reply {
    let mut answer = json!({
        "active": true,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": now() + 600,
        "sub": "alice",
        "scope": "order inventory:price",
    });
    let serde_json::Value::Object(extra) = extra else {
        panic!("extra members must be an object");
    };
    for (name, value) in extra {
        if value.is_null() {
            answer.as_object_mut().expect("an object").remove(&name);
        } else {
            answer[name] = value;
        }
    }
    Reply::json(answer.to_string())
}

/// Why `validator` refuses `token`; panics unless it is an invalid token.
pub(crate) async fn rejection(validator: &impl TokenValidator, token: &str) -> InvalidToken {
    match validator.validate(token).await {
        Err(AuthError::InvalidToken(reason)) => reason,
        other => panic!("expected an invalid token, got {other:?}"),
    }
}

/// The retry delay `validator` gives for `token`; panics unless
/// introspection is unavailable.
pub(crate) async fn unavailable(validator: &IntrospectionValidator, token: &str) -> Duration {
    match validator.validate(token).await {
        Err(AuthError::Unavailable(Unavailable::Introspection { retry_after })) => retry_after,
        other => panic!("expected introspection to be unavailable, got {other:?}"),
    }
}
