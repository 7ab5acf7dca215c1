//! What the authentication step reads of a request, whatever the framework.

use super::PeerCertificate;

/// The parts of a request the authentication step reads: its method and
/// headers. Core implements it for [`http::Request`] and
/// [`http::request::Parts`]; an adapter for a framework with its own request
/// type implements it on a small wrapper.
///
/// ```
/// use scopeguard_core::request::RequestHead;
///
/// let request = http::Request::options("/items")
///     .header("access-control-request-method", "PUT")
///     .body(())
///     .unwrap();
/// assert_eq!(request.method_name(), "OPTIONS");
/// assert!(request.header_values("access-control-request-method").next().is_some());
/// ```
pub trait RequestHead {
    /// The request method, as written on the request line (`"GET"`).
    fn method_name(&self) -> &str;

    /// The values of the header `name` (lower case), as bytes, in order.
    fn header_values<'a>(&'a self, name: &'static str) -> impl Iterator<Item = &'a [u8]>;

    /// The request's path as the client sent it, before any framework
    /// stripped a prefix (axum's `nest`), possibly with its query: what a
    /// DPoP proof's `htu` names (SPEC §3.6). The default, `None`, fails
    /// every DPoP proof closed.
    fn original_path(&self) -> Option<&str> {
        None
    }

    /// The address of the peer that sent the request (the TCP peer, not a
    /// forwarded client address): forwarded headers are believed only when
    /// it is a configured trusted proxy. The default is `None`.
    fn peer_ip(&self) -> Option<std::net::IpAddr> {
        None
    }

    /// The DER encoding of the client certificate of the TLS connection
    /// the request came on, when the service terminates TLS itself and the
    /// client presented one (SPEC §3.7). The default is `None`.
    fn peer_certificate(&self) -> Option<&[u8]> {
        None
    }
}

impl RequestHead for http::request::Parts {
    fn method_name(&self) -> &str {
        self.method.as_str()
    }

    fn header_values<'a>(&'a self, name: &'static str) -> impl Iterator<Item = &'a [u8]> {
        values(&self.headers, name)
    }

    fn original_path(&self) -> Option<&str> {
        Some(self.uri.path())
    }

    fn peer_certificate(&self) -> Option<&[u8]> {
        self.extensions.get::<PeerCertificate>().map(PeerCertificate::der)
    }
}

impl<B> RequestHead for http::Request<B> {
    fn method_name(&self) -> &str {
        self.method().as_str()
    }

    fn header_values<'a>(&'a self, name: &'static str) -> impl Iterator<Item = &'a [u8]> {
        values(self.headers(), name)
    }

    fn original_path(&self) -> Option<&str> {
        Some(self.uri().path())
    }

    fn peer_certificate(&self) -> Option<&[u8]> {
        self.extensions()
            .get::<PeerCertificate>()
            .map(PeerCertificate::der)
    }
}

/// Whether `request` is a CORS preflight: `OPTIONS` with an
/// `Access-Control-Request-Method` header.
pub fn is_cors_preflight(request: &(impl RequestHead + ?Sized)) -> bool {
    request.method_name() == "OPTIONS"
        && request
            .header_values("access-control-request-method")
            .next()
            .is_some()
}

/// The `DPoP` header (RFC 9449 §4.1).
const DPOP: http::HeaderName = http::HeaderName::from_static("dpop");

fn values<'a>(headers: &'a http::HeaderMap, name: &'static str) -> impl Iterator<Item = &'a [u8]> {
    // The names read on every request as `HeaderName` constants: a `&str`
    // name is parsed (and lower-cased) on each lookup, ~150 instructions.
    let all = match name {
        "authorization" => headers.get_all(http::header::AUTHORIZATION),
        "access-control-request-method" => headers.get_all(http::header::ACCESS_CONTROL_REQUEST_METHOD),
        "dpop" => headers.get_all(DPOP),
        _ => headers.get_all(name),
    };
    all.into_iter().map(http::HeaderValue::as_bytes)
}
