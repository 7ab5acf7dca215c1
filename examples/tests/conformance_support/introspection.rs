//! A minimal RFC 7662 introspection endpoint on 127.0.0.1, for the
//! `/introspected/...` route: it knows two active opaque tokens (any other
//! is inactive), requires `client_secret_basic` authentication, and answers
//! one request per connection.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The resource server's client id at the endpoint.
pub(crate) const CLIENT_ID: &str = "conformance-server";
/// Its secret.
pub(crate) const CLIENT_SECRET: &str = "conformance-secret";
/// An active token granting `order:item`, subject `opaque-user`.
pub(crate) const ITEMS_TOKEN: &str = "opaque-items";
/// An active token granting `inventory:price` only.
pub(crate) const PRICE_TOKEN: &str = "opaque-price";

/// The running endpoint; stops when dropped.
#[derive(Debug)]
pub(crate) struct IntrospectionEndpoint {
    url: String,
    task: JoinHandle<()>,
}

impl IntrospectionEndpoint {
    /// Starts the endpoint; its active tokens have `aud` `audience`.
    pub(crate) async fn start(audience: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}/introspect", listener.local_addr().expect("an address"));
        let audience = audience.to_owned();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream, audience.clone()));
            }
        });
        Self { url, task }
    }

    /// The endpoint's URL.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for IntrospectionEndpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request and answers it.
async fn answer(stream: TcpStream, audience: String) {
    let mut stream = BufReader::new(stream);
    let mut authorization = None;
    let mut length = 0;
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "authorization" => authorization = Some(value.trim().to_owned()),
                "content-length" => length = value.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    if stream.read_exact(&mut body).await.is_err() {
        return;
    }
    let expected = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let (status, json) = if authorization.as_deref() == Some(expected.as_str()) {
        let token = form_urlencoded::parse(&body)
            .find(|(name, _)| name == "token")
            .map(|(_, value)| value.into_owned());
        ("200 OK", introspection(token.as_deref(), &audience))
    } else {
        ("401 Unauthorized", serde_json::json!({"error": "invalid_client"}))
    };
    let json = json.to_string();
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{json}",
        json.len()
    );
    let _ = stream.get_mut().write_all(response.as_bytes()).await;
    let _ = stream.get_mut().shutdown().await;
}

/// The introspection answer for `token`.
fn introspection(token: Option<&str>, audience: &str) -> serde_json::Value {
    let exp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after the epoch")
        .as_secs()
        + 300;
    let active = |scope: &str| {
        serde_json::json!({
            "active": true,
            "scope": scope,
            "sub": "opaque-user",
            "client_id": "opaque-client",
            "aud": audience,
            "exp": exp,
        })
    };
    match token {
        Some(ITEMS_TOKEN) => active("order:item"),
        Some(PRICE_TOKEN) => active("inventory:price"),
        _ => serde_json::json!({"active": false}),
    }
}
