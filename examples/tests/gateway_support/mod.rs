//! A gateway on 127.0.0.1 in front of three upstreams that record what
//! reaches them, with a test issuer for JWTs and an introspection endpoint
//! that answers with signed JWTs (RFC 9701).
#![allow(dead_code, unreachable_pub)]

#[path = "../../../test-support/shared/introspection_server.rs"]
pub mod introspection_server;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use introspection_server::{AUDIENCE, CLIENT_ID, ISSUER, IntrospectionServer, Reply, now, unused_addr};
use scopeguard_core::test_util::TestIssuer;
use scopeguard_examples::gateway::{EdgeValidators, Gateway, RouteTable, UpstreamClient};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// One request as an upstream received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    /// The `Authorization` the upstream got, if any.
    pub fn authorization(&self) -> Option<&str> {
        self.headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
    }
}

/// An upstream on 127.0.0.1 answering 200 to everything, recording each
/// request; its answers carry hop-by-hop headers the gateway must drop.
pub struct Upstream {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(
    State(seen): State<Arc<Mutex<Vec<Seen>>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    seen.lock().unwrap_or_else(PoisonError::into_inner).push(Seen {
        method,
        uri,
        headers,
        body,
    });
    let mut response = axum::Json(json!({ "path": path })).into_response();
    let headers = response.headers_mut();
    headers.insert("x-upstream", HeaderValue::from_static("yes"));
    headers.insert("x-upstream-hop", HeaderValue::from_static("1"));
    headers.insert("connection", HeaderValue::from_static("x-upstream-hop"));
    headers.insert("keep-alive", HeaderValue::from_static("timeout=5"));
    response
}

impl Upstream {
    pub async fn start() -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new().fallback(record).with_state(Arc::clone(&seen));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("the local address");
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the upstream");
        });
        Self { addr, seen, task }
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The last request received.
    pub fn last(&self) -> Seen {
        self.seen().pop().expect("a request reached the upstream")
    }
}

/// The route file of the test gateway.
pub fn route_file(orders: SocketAddr, reports: SocketAddr, status: SocketAddr, down: SocketAddr) -> String {
    format!(
        r#"
[upstreams.orders]
url = "http://{orders}"
token = "jwt"

[upstreams.reports]
url = "http://{reports}"
token = "phantom"

[upstreams.status]
url = "http://{status}"
token = "none"

[upstreams.down]
url = "http://{down}"
token = "jwt"

[[route]]
path = "/health"
upstream = "status"
public = true

[[route]]
path = "/orders/{{id}}"
methods = ["GET"]
upstream = "orders"
requires = "order"

[[route]]
path = "/orders/{{id}}"
methods = ["PUT"]
upstream = "orders"
requires = "order.write"

[[route]]
path = "/transactions/{{tx}}/approve"
methods = ["POST"]
upstream = "orders"
requires = "transaction-{{tx}}"

[[route]]
path = "/reports/{{*name}}"
upstream = "reports"
requires = "report:read"

[[route]]
path = "/status/{{*rest}}"
upstream = "status"
requires = "order"

[[route]]
path = "/down"
upstream = "down"
public = true
"#
    )
}

/// The whole set-up: issuer, introspection endpoint, upstreams, gateway.
pub struct Setup {
    pub issuer: TestIssuer,
    pub introspection: IntrospectionServer,
    pub orders: Upstream,
    pub reports: Upstream,
    pub status: Upstream,
    pub gateway: SocketAddr,
    pub client: reqwest::Client,
    task: JoinHandle<()>,
}

impl Drop for Setup {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Setup {
    pub async fn start() -> Self {
        let issuer = TestIssuer::builder()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .kid("as-key")
            .build()
            .expect("a test issuer");
        let introspection = IntrospectionServer::start().await;
        let (orders, reports, status) = (
            Upstream::start().await,
            Upstream::start().await,
            Upstream::start().await,
        );
        let down = unused_addr().await;
        let table = RouteTable::parse(&route_file(orders.addr, reports.addr, status.addr, down))
            .expect("a valid route file");
        let validators = EdgeValidators {
            jwt: Some(issuer.validator()),
            introspection: Some(
                introspection
                    .builder()
                    .jwt_answers(issuer.keys())
                    .build()
                    .expect("a valid introspection validator"),
            ),
        };
        let gateway = Gateway::new(
            table,
            &validators,
            &UpstreamClient::new(std::time::Duration::from_secs(5)),
        )
        .expect("every validator is there");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("the local address");
        let task = tokio::spawn(async move {
            axum::serve(listener, gateway.router())
                .await
                .expect("the gateway");
        });
        Self {
            issuer,
            introspection,
            orders,
            reports,
            status,
            gateway: addr,
            client: reqwest::Client::builder()
                .pool_max_idle_per_host(64)
                .build()
                .expect("a client"),
            task,
        }
    }

    /// A URL of the gateway.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.gateway)
    }

    /// A JWT access token granting `scopes`.
    pub fn jwt(&self, scopes: &str) -> String {
        self.issuer.token().scopes(scopes).sign()
    }

    /// An opaque token the endpoint answers with a signed answer granting
    /// `scopes`; returns the token and the signed answer.
    pub fn opaque(&self, token: &str, scopes: &str) -> String {
        let answer = json!({
            "active": true,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "exp": now() + 600,
            "sub": "alice",
            "scope": scopes,
        });
        let jwt = self.signed_answer(&answer);
        self.introspection.reply(token, Reply::jwt(jwt.clone()));
        jwt
    }

    /// `answer` signed as an RFC 9701 answer to the gateway's client id.
    pub fn signed_answer(&self, answer: &Value) -> String {
        self.issuer
            .token()
            .header_typ("token-introspection+jwt")
            .audience(CLIENT_ID)
            .without_claim("exp")
            .without_claim("sub")
            .without_claim("client_id")
            .claim("token_introspection", answer.clone())
            .sign()
    }
}
