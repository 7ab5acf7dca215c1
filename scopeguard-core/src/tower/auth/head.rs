//! A tower request as the authentication step reads it, with what a
//! framework records in its extensions: the original URI (before a router
//! stripped a prefix) and the peer address (SPEC §3.6).

use std::fmt;
use std::net::IpAddr;

use crate::request::RequestHead;

/// Reads what a framework leaves in a request's extensions: the URI as the
/// client sent it, and the peer's address. The axum adapter reads axum's
/// `OriginalUri` and `ConnectInfo<SocketAddr>`; the default reads nothing
/// (the request's own URI, no peer).
#[derive(Clone, Copy)]
pub struct ExtensionReaders {
    /// The request's URI before any router stripped a prefix.
    pub original_uri: fn(&http::Extensions) -> Option<&http::Uri>,
    /// The peer's address.
    pub peer_ip: fn(&http::Extensions) -> Option<IpAddr>,
}

impl Default for ExtensionReaders {
    fn default() -> Self {
        Self {
            original_uri: |_| None,
            peer_ip: |_| None,
        }
    }
}

impl fmt::Debug for ExtensionReaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExtensionReaders").finish_non_exhaustive()
    }
}

/// A request with the readers of its framework.
pub(super) struct TowerHead<'a, B> {
    pub(super) request: &'a http::Request<B>,
    pub(super) readers: ExtensionReaders,
}

impl<B> RequestHead for TowerHead<'_, B> {
    fn method_name(&self) -> &str {
        self.request.method_name()
    }

    fn header_values<'a>(&'a self, name: &'static str) -> impl Iterator<Item = &'a [u8]> {
        self.request.header_values(name)
    }

    fn original_path(&self) -> Option<&str> {
        let original = (self.readers.original_uri)(self.request.extensions());
        Some(original.unwrap_or(self.request.uri()).path())
    }

    fn peer_ip(&self) -> Option<IpAddr> {
        (self.readers.peer_ip)(self.request.extensions())
    }

    fn peer_certificate(&self) -> Option<&[u8]> {
        self.request.peer_certificate()
    }
}
