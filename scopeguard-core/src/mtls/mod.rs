//! Certificate-bound tokens: mutual TLS (SPEC §3.7, RFC 8705), feature
//! `mtls`.
//!
//! A certificate-bound token names the SHA-256 thumbprint of the client's
//! TLS certificate in its `cnf.x5t#S256`; it is accepted only from a
//! client presenting that certificate. The check runs once, in the
//! authentication step ([`Authenticator::mtls`](crate::request::Authenticator::mtls)),
//! for every adapter and every kind of token (JWT or introspected), next
//! to DPoP's: a token bound both ways must satisfy both. Tokens without
//! `x5t#S256` are unaffected.
//!
//! The certificate comes from:
//!
//! - the TLS connection, when the service terminates TLS itself: the
//!   server puts a [`PeerCertificate`](crate::request::PeerCertificate)
//!   into the request (axum, tower) or the connection data (actix-web), and
//!   the adapter hands it on through
//!   [`RequestHead::peer_certificate`](crate::request::RequestHead::peer_certificate);
//! - a header written by a TLS-terminating proxy, in one of the
//!   [`CertificateHeaderFormat`]s, believed only from the
//!   [`TrustedProxies`](crate::request::TrustedProxies).
//!
//! A bound token without a certificate, with another one, or with one that
//! cannot be parsed is answered 401 `invalid_token`.
//!
//! ```
//! use scopeguard_core::mtls::{CertificateHeaderFormat, MtlsConfig, certificate_thumbprint};
//! use scopeguard_core::request::Authenticator;
//! # use scopeguard_core::{AuthError, Principal, TokenValidator};
//! # struct MyValidator;
//! # impl TokenValidator for MyValidator {
//! #     async fn validate(&self, _: &str) -> Result<Principal, AuthError> { Err(AuthError::MissingCredentials) }
//! # }
//!
//! let mtls = MtlsConfig::builder()
//!     .certificate_header("client-cert", CertificateHeaderFormat::Rfc9440)
//!     .trusted_proxies(["10.0.0.1".parse().unwrap()])
//!     .build()
//!     .unwrap();
//! let authenticator = Authenticator::new(MyValidator).mtls(mtls);
//! # let _ = authenticator;
//! assert_eq!(certificate_thumbprint(b"abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
//! ```

mod config;
mod der;
mod header;
pub(crate) mod request_check;

pub use config::{MtlsConfig, MtlsConfigBuilder, MtlsConfigError};
pub use header::{CertificateHeaderFormat, UnknownCertificateHeaderFormat};

/// base64url (no padding) of SHA-256 of `der`, the DER encoding of a
/// certificate: the `cnf.x5t#S256` of a token bound to it (RFC 8705 §3.1).
pub fn certificate_thumbprint(der: &[u8]) -> String {
    der::thumbprint(der)
}
