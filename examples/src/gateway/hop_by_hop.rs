//! Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, so
//! a proxy drops them in both directions, with every header the
//! `Connection` header names.

use axum::http::HeaderMap;
use axum::http::header::{CONNECTION, HeaderName};

/// The headers dropped whatever `Connection` says: those RFC 9110 §7.6.1
/// lists (`Connection`, `Proxy-Connection`, `Keep-Alive`, `TE`,
/// `Transfer-Encoding`, `Upgrade`), `Trailer`, and the proxy's own
/// credentials and challenges (`Proxy-Authorization`, `Proxy-Authenticate`),
/// which are meant for this hop only.
const ALWAYS: [&str; 9] = [
    "connection",
    "proxy-connection",
    "keep-alive",
    "te",
    "transfer-encoding",
    "upgrade",
    "trailer",
    "proxy-authorization",
    "proxy-authenticate",
];

/// Removes the hop-by-hop headers from `headers`: those named in
/// `Connection` first, then the nine this module lists whatever
/// `Connection` says.
pub fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in ALWAYS {
        headers.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn the_listed_headers_and_those_connection_names_are_dropped() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("connection", "keep-alive, X-Session-Hint"),
            ("connection", "x-other"),
            ("keep-alive", "timeout=5"),
            ("x-session-hint", "drop me"),
            ("x-other", "drop me too"),
            ("te", "trailers"),
            ("upgrade", "websocket"),
            ("proxy-authorization", "Basic abc"),
            ("proxy-connection", "keep-alive"),
            ("accept", "application/json"),
            ("x-request-id", "42"),
        ] {
            headers.append(name, HeaderValue::from_static(value));
        }
        strip_hop_by_hop(&mut headers);
        let mut left: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        left.sort_unstable();
        assert_eq!(left, ["accept", "x-request-id"]);
    }
}
