//! The peers whose forwarded headers are believed (SPEC §3.6, §3.7): one
//! list and one rule for DPoP's forwarded origin and mTLS's certificate
//! header.

use std::net::IpAddr;
use std::sync::Arc;

use super::RequestHead;

/// The addresses of the proxies in front of the service: their
/// `Forwarded` / `X-Forwarded-*` headers (DPoP's request URI) and their
/// client-certificate header (mTLS) are believed; from any other peer those
/// headers are ignored. The peer is the TCP peer the adapter reports
/// ([`RequestHead::peer_ip`]), never an address read from a header.
///
/// ```
/// use scopeguard_core::request::TrustedProxies;
///
/// let proxies = TrustedProxies::new(["10.0.0.1".parse().unwrap()]);
/// assert!(proxies.contains("10.0.0.1".parse().unwrap()));
/// assert!(!proxies.contains("10.0.0.2".parse().unwrap()));
/// assert!(TrustedProxies::default().is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Arc<[IpAddr]>);

impl TrustedProxies {
    /// The proxies at `addresses`.
    pub fn new(addresses: impl IntoIterator<Item = IpAddr>) -> Self {
        Self(addresses.into_iter().collect())
    }

    /// Whether `address` is one of the proxies.
    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.contains(&address)
    }

    /// Whether the peer of `head` is one of the proxies: `false` when the
    /// adapter reports no peer.
    pub fn trusts(&self, head: &(impl RequestHead + ?Sized)) -> bool {
        !self.0.is_empty() && head.peer_ip().is_some_and(|peer| self.contains(peer))
    }

    /// Whether the list is empty (no header is ever believed).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The addresses.
    pub fn addresses(&self) -> &[IpAddr] {
        &self.0
    }
}

impl<I: IntoIterator<Item = IpAddr>> From<I> for TrustedProxies {
    fn from(addresses: I) -> Self {
        Self::new(addresses)
    }
}
