//! Forwarding a request to its upstream over HTTP/1.1 (hyper's client): the
//! same method, path, query and body; hop-by-hop headers dropped both ways;
//! `Host` set to the upstream's; the client's `Authorization` replaced by
//! the token the upstream's [`TokenMode`](super::TokenMode) says, or none.
//! An upstream that cannot be reached or answers no valid response → 502;
//! one that takes longer than the timeout → 504.

use std::time::Duration;

use axum::body::Body;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use axum::http::uri::{Authority, PathAndQuery, Scheme};
use axum::http::{HeaderValue, Request, Response, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::hop_by_hop::strip_hop_by_hop;

/// How long an upstream may take to answer by default: 30 s.
pub const DEFAULT_UPSTREAM_TIMEOUT: Duration = Duration::from_secs(30);

/// The HTTP client to the upstreams, shared by every route.
#[derive(Debug, Clone)]
pub struct UpstreamClient {
    client: Client<HttpConnector, Body>,
    timeout: Duration,
}

impl UpstreamClient {
    /// A client whose calls end after `timeout`.
    pub fn new(timeout: Duration) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(timeout));
        Self {
            client: Client::builder(TokioExecutor::new()).build(connector),
            timeout,
        }
    }

    /// Sends `request` to `upstream` (named `name` in logs) with `token` as
    /// its bearer token, or no `Authorization` at all.
    pub async fn forward(
        &self,
        name: &str,
        upstream: &Authority,
        mut request: Request<Body>,
        token: Option<&str>,
    ) -> Response<Body> {
        let path = request
            .uri()
            .path_and_query()
            .cloned()
            .unwrap_or_else(|| PathAndQuery::from_static("/"));
        let uri = Uri::builder()
            .scheme(Scheme::HTTP)
            .authority(upstream.clone())
            .path_and_query(path)
            .build();
        let Ok(uri) = uri else {
            return problem(StatusCode::BAD_GATEWAY, "bad_gateway");
        };
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        strip_hop_by_hop(headers);
        headers.remove(AUTHORIZATION);
        headers.remove(HOST);
        if let Some(token) = token {
            let Ok(mut value) = HeaderValue::try_from(format!("Bearer {token}")) else {
                tracing::error!(upstream = name, "the token to forward is not a header value");
                return problem(StatusCode::INTERNAL_SERVER_ERROR, "server_error");
            };
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        match tokio::time::timeout(self.timeout, self.client.request(request)).await {
            Ok(Ok(response)) => {
                let (mut parts, body) = response.into_parts();
                strip_hop_by_hop(&mut parts.headers);
                Response::from_parts(parts, Body::new(body))
            }
            Ok(Err(error)) => {
                tracing::warn!(upstream = name, %error, "the upstream failed");
                problem(StatusCode::BAD_GATEWAY, "bad_gateway")
            }
            Err(_) => {
                tracing::warn!(upstream = name, timeout = ?self.timeout, "the upstream did not answer in time");
                problem(StatusCode::GATEWAY_TIMEOUT, "gateway_timeout")
            }
        }
    }
}

/// An answer of the gateway itself: `status`, and a JSON body naming
/// `error`.
pub fn problem(status: StatusCode, error: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(format!(r#"{{"error":"{error}"}}"#)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
