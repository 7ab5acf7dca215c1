//! What the load test sends: a fixed pool of tokens of every kind, the
//! SPEC's answer to each kind, and one request with its check.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};

use scopeguard_core::test_util::TestIssuer;

/// The kinds of request, each with its own answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Valid,
    Expired,
    Forged,
    LacksScope,
    NoToken,
    /// An opaque token, new each time, on the route whose introspection
    /// endpoint is down.
    IntrospectionDown,
}

/// The kinds with a token from the pool.
pub(crate) const POOLED: [Kind; 4] = [Kind::Valid, Kind::Expired, Kind::Forged, Kind::LacksScope];

impl Kind {
    /// The SPEC's answer (§4): status and the `error` of the JSON body.
    pub(crate) fn expected(self) -> (u16, Option<&'static str>) {
        match self {
            Self::Valid => (200, None),
            Self::Expired | Self::Forged => (401, Some("invalid_token")),
            Self::LacksScope => (403, Some("insufficient_scope")),
            Self::NoToken => (401, Some("missing_token")),
            Self::IntrospectionDown => (503, Some("temporarily_unavailable")),
        }
    }

    /// The kind of the `request`-th request after the warm-up: half valid,
    /// a tenth of each other kind.
    pub(crate) fn of(request: usize) -> Self {
        match request % 20 {
            0..=9 => Self::Valid,
            10 | 11 => Self::Expired,
            12 | 13 => Self::Forged,
            14 | 15 => Self::LacksScope,
            16 | 17 => Self::NoToken,
            _ => Self::IntrospectionDown,
        }
    }
}

/// The tokens sent, by kind: many distinct valid ones (to fill the
/// verified-token cache), a few of each other kind.
#[derive(Debug)]
pub(crate) struct TokenPool {
    valid: Vec<String>,
    expired: Vec<String>,
    forged: Vec<String>,
    lacking: Vec<String>,
    /// Opaque tokens made so far: each is new.
    opaque: AtomicUsize,
}

impl TokenPool {
    /// `valid` valid tokens of `issuer`, and `others` of each other kind
    /// (forged ones signed by another key under the same `kid`).
    pub(crate) fn new(issuer: &TestIssuer, valid: usize, others: usize) -> Self {
        let impostor = TestIssuer::builder()
            .issuer(issuer.issuer())
            .audience(issuer.audience())
            .kid(issuer.kid())
            .build()
            .expect("an impostor");
        Self {
            valid: (0..valid)
                .map(|n| issuer.token().sub(format!("user-{n}")).scopes("order").sign())
                .collect(),
            expired: (0..others)
                .map(|_| issuer.token().scopes("order").expired().sign())
                .collect(),
            forged: (0..others)
                .map(|_| impostor.token().scopes("order").sign())
                .collect(),
            lacking: (0..others)
                .map(|_| issuer.token().scopes("inventory:price").sign())
                .collect(),
            opaque: AtomicUsize::new(0),
        }
    }

    pub(crate) fn of(&self, kind: Kind) -> &[String] {
        match kind {
            Kind::Valid => &self.valid,
            Kind::Expired => &self.expired,
            Kind::Forged => &self.forged,
            Kind::LacksScope => &self.lacking,
            Kind::NoToken | Kind::IntrospectionDown => &[],
        }
    }

    /// The warm-up: the requests of the run's mix ([`Kind::of`]), each
    /// pooled kind taking its tokens in turn, until every pooled token was
    /// sent once.
    pub(crate) fn warm_up(&self) -> Vec<(Kind, Option<String>)> {
        // How many tokens of each pooled kind were sent so far.
        let mut sent = [0; POOLED.len()];
        let mut plan = Vec::new();
        let mut n = 0;
        while POOLED
            .iter()
            .zip(sent)
            .any(|(kind, sent)| sent < self.of(*kind).len())
        {
            let kind = Kind::of(n);
            let token = match POOLED.iter().position(|pooled| *pooled == kind) {
                Some(at) => {
                    let tokens = self.of(kind);
                    let next = tokens[sent[at] % tokens.len()].clone();
                    sent[at] += 1;
                    Some(next)
                }
                None => self.pick(kind, n),
            };
            plan.push((kind, token));
            n += 1;
        }
        plan
    }

    /// The number of tokens in the pool.
    pub(crate) fn len(&self) -> usize {
        POOLED.into_iter().map(|kind| self.of(kind).len()).sum()
    }

    /// The token of the `request`-th request of `kind`: a new opaque one
    /// for [`Kind::IntrospectionDown`], none for [`Kind::NoToken`], else
    /// one of the pool, spread over it.
    pub(crate) fn pick(&self, kind: Kind, request: usize) -> Option<String> {
        match kind {
            Kind::NoToken => None,
            Kind::IntrospectionDown => {
                Some(format!("opaque-{}", self.opaque.fetch_add(1, Ordering::Relaxed)))
            }
            _ => {
                let tokens = self.of(kind);
                // 7919 is prime, so consecutive requests reach far apart.
                Some(tokens[request.wrapping_mul(7919) % tokens.len()].clone())
            }
        }
    }
}

/// Sends one request of `kind` with `token` to the server at `addr`, and
/// says what is wrong with the answer, if anything.
pub(crate) async fn send(
    client: &reqwest::Client,
    addr: SocketAddr,
    kind: Kind,
    token: Option<&str>,
) -> Option<String> {
    let path = if kind == Kind::IntrospectionDown {
        "/introspected/orders/7/items"
    } else {
        "/orders/7/items"
    };
    let mut request = client.get(format!("http://{addr}{path}"));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) => return Some(format!("{kind:?}: transport error {error}")),
    };
    let status = response.status().as_u16();
    let retry_after = response.headers().contains_key("retry-after");
    let body: serde_json::Value = match response.bytes().await {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
        Err(_) => serde_json::Value::Null,
    };
    let (want_status, want_error) = kind.expected();
    let error = body.get("error").and_then(serde_json::Value::as_str);
    if status != want_status || error != want_error {
        Some(format!("{kind:?}: {status} {body}"))
    } else if status == 503 && !retry_after {
        Some(format!("{kind:?}: 503 without Retry-After"))
    } else if kind == Kind::Valid && body["route"] != "order-items" {
        Some(format!("{kind:?}: {body}"))
    } else {
        None
    }
}
