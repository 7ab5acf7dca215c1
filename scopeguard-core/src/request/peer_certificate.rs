//! The client certificate of the TLS connection a request came on (SPEC
//! §3.7), as a server that terminates TLS itself records it.

use std::fmt;
use std::sync::Arc;

/// The DER encoding of the client's certificate (the end-entity one, first
/// of rustls's `peer_certificates()`), from the TLS connection the request
/// came on.
///
/// A server that terminates TLS with client authentication puts it into
/// each request's extensions (axum, any tower stack) or into the
/// connection data (actix-web's `on_connect`); the adapters hand it to the
/// authentication step ([`RequestHead::peer_certificate`](super::RequestHead::peer_certificate)),
/// which checks certificate-bound tokens against it.
///
/// ```
/// use scopeguard_core::request::{PeerCertificate, RequestHead};
///
/// let mut request = http::Request::get("/items").body(()).unwrap();
/// assert_eq!(request.peer_certificate(), None);
/// request.extensions_mut().insert(PeerCertificate::new(vec![0x30, 0x00]));
/// assert_eq!(request.peer_certificate(), Some(&[0x30, 0x00][..]));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PeerCertificate(Arc<[u8]>);

impl PeerCertificate {
    /// The certificate whose DER encoding is `der`.
    pub fn new(der: impl Into<Arc<[u8]>>) -> Self {
        Self(der.into())
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for PeerCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PeerCertificate")
            .field("der_len", &self.0.len())
            .finish()
    }
}
