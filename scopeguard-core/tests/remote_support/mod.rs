//! A key server on 127.0.0.1 for the remote key source tests: it answers
//! each path with a reply the test can change at any time (keys, errors,
//! delays, redirects), and records when each request for a path arrived.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinHandle;

/// An Ed25519 public key (RFC 8037 §A.2) as a JWK with `kid`.
pub(crate) fn ed25519(kid: &str) -> String {
    format!(
        r#"{{"kty":"OKP","crv":"Ed25519","kid":"{kid}","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}"#
    )
}

/// An RSA 2048 public key as a JWK with `kid`.
pub(crate) fn rsa(kid: &str) -> String {
    format!(
        r#"{{"kty":"RSA","kid":"{kid}","e":"AQAB","n":"x46U2De9foFFvESpXwVNdVSTAaSwUYd0462HDC8jM3wopun2NPm7SB1zMXSh_x0umCgMebN502_YMNRmYGIT25xSZ2R1HbnsEHYy5wxzmCTFueyYjSVT9qTnmEqcUyriiUkKFqE0gScJ4a2Q5Bb008zNLP_yNH5XSJK9gFUFDvoO5B7PRlFlzFvnEK4o9WXMgaxFYifxyrGOxSE0r2UXh8FK81QlOKcshHgdQsWRD0yWUfC5d9JCjl_tI4UWPdDm2tl9nolTWptCGZk_BBs7JkiBem-amyw8HcgD-Og-Km_HyBLzLdo8gFgym_gZeBUYndsCFVIISMCigYw1m4wkPw"}}"#
    )
}

/// A P-256 public key as a JWK with `kid`.
pub(crate) fn ec_p256(kid: &str) -> String {
    format!(
        r#"{{"kty":"EC","crv":"P-256","kid":"{kid}","x":"1I4-dB5pi8KrJvGpy5Tb1BGXcy0SMScdrAMQc534kJc","y":"zp3vJ_ZKF5iyr6tta-KE323e90_smeFEiJbVwkKif7Q"}}"#
    )
}

/// A JWKS document holding `keys`.
pub(crate) fn jwks(keys: &[String]) -> String {
    format!(r#"{{"keys":[{}]}}"#, keys.join(","))
}

/// What the server answers on one path.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    delay: Duration,
    gate: Option<Arc<Semaphore>>,
}

impl Reply {
    /// 200 with a JSON body.
    pub(crate) fn json(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.into().into_bytes(),
            delay: Duration::ZERO,
            gate: None,
        }
    }

    /// A status with an empty body.
    pub(crate) fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            gate: None,
        }
    }

    /// 302 to `location`.
    pub(crate) fn redirect(location: impl Into<String>) -> Self {
        Self::status(302).header("location", location)
    }

    /// Adds a header.
    #[must_use]
    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Replaces the body.
    #[must_use]
    pub(crate) fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Answers only after `delay`.
    #[must_use]
    pub(crate) fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Answers only once the test opens `gate` (adds permits).
    #[must_use]
    pub(crate) fn gated(mut self, gate: Arc<Semaphore>) -> Self {
        self.gate = Some(gate);
        self
    }
}

#[derive(Default)]
struct Routes {
    replies: Mutex<HashMap<String, Reply>>,
    /// When each request for a path arrived, in order.
    hits: Mutex<HashMap<String, Vec<Instant>>>,
}

/// A running key server.
pub(crate) struct KeyServer {
    addr: SocketAddr,
    routes: Arc<Routes>,
    stop: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

impl KeyServer {
    /// Starts a server on a free port.
    pub(crate) async fn start() -> Self {
        Self::start_on("127.0.0.1:0".parse().expect("an address")).await
    }

    /// Starts a server on `addr`.
    pub(crate) async fn start_on(addr: SocketAddr) -> Self {
        let listener = TcpListener::bind(addr).await.expect("a free port");
        let addr = listener.local_addr().expect("a bound address");
        let routes = Arc::new(Routes::default());
        let app = Router::new().fallback(answer).with_state(Arc::clone(&routes));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .expect("the key server runs");
        });
        Self {
            addr,
            routes,
            stop: Some((stop, task)),
        }
    }

    /// `http://ADDR{path}`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Answers `path` with `reply` from now on.
    pub(crate) fn serve(&self, path: &str, reply: Reply) {
        self.routes
            .replies
            .lock()
            .expect("routes")
            .insert(path.to_owned(), reply);
    }

    /// The number of requests for `path` so far.
    pub(crate) fn hits(&self, path: &str) -> usize {
        self.hit_times(path).len()
    }

    /// When each request for `path` so far arrived (real time), in order.
    pub(crate) fn hit_times(&self, path: &str) -> Vec<Instant> {
        self.routes
            .hits
            .lock()
            .expect("hits")
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    /// Closes the listener and every connection: the server is down.
    pub(crate) async fn stop(&mut self) {
        if let Some((stop, task)) = self.stop.take() {
            let _ = stop.send(());
            tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .expect("the key server stops")
                .expect("the key server task ends cleanly");
        }
    }
}

async fn answer(State(routes): State<Arc<Routes>>, uri: Uri) -> Response {
    let path = uri.path().to_owned();
    routes
        .hits
        .lock()
        .expect("hits")
        .entry(path.clone())
        .or_default()
        .push(Instant::now());
    let reply = routes.replies.lock().expect("routes").get(&path).cloned();
    let Some(reply) = reply else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Some(gate) = &reply.gate {
        let _permit = gate.acquire().await.expect("an open gate");
    }
    // No timer without a delay: a test's manual clock might never fire it.
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        response = response.header(*name, value);
    }
    response.body(Body::from(reply.body)).expect("a response")
}

/// A free address nothing listens on (yet).
pub(crate) fn unused_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("a bound address")
}

/// A server answering every request with 200 and a chunked body that never
/// ends (no `Content-Length`): the opening of a JWKS document, then
/// whitespace. Returns its address.
pub(crate) async fn endless_body_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0_u8; 1024];
                while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&buffer[..read]),
                    }
                }
                let head =
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                let opening = r#"{"keys":["#;
                let mut out = format!("{head}{:x}\r\n{opening}\r\n", opening.len()).into_bytes();
                let padding = vec![b' '; 16 * 1024];
                // At most 256 MiB, should the client never stop reading.
                for _ in 0..16 * 1024 {
                    out.extend_from_slice(format!("{:x}\r\n", padding.len()).as_bytes());
                    out.extend_from_slice(&padding);
                    out.extend_from_slice(b"\r\n");
                    if stream.write_all(&out).await.is_err() {
                        return;
                    }
                    out.clear();
                }
            });
        }
    });
    addr
}
