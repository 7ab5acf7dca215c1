//! The mTLS settings of an authentication step (SPEC §3.7).

use std::fmt;

use super::CertificateHeaderFormat;
use crate::request::TrustedProxies;

/// Where the authentication step finds the client certificate that
/// certificate-bound tokens (`cnf.x5t#S256`) are checked against.
///
/// The certificate sources, in order:
///
/// - from a [trusted proxy](MtlsConfigBuilder::trusted_proxies), the
///   configured [header](MtlsConfigBuilder::certificate_header) only (the
///   proxy's own TLS certificate is never taken for the client's);
/// - from any other peer, the header is ignored (a `warn!` event), and the
///   certificate of the TLS connection, when the service terminates TLS
///   itself, is used ([`RequestHead::peer_certificate`](crate::request::RequestHead::peer_certificate)).
///
/// ```
/// use scopeguard_core::mtls::{CertificateHeaderFormat, MtlsConfig};
///
/// let behind_envoy = MtlsConfig::builder()
///     .certificate_header("x-forwarded-client-cert", CertificateHeaderFormat::Xfcc)
///     .trusted_proxies(["10.0.0.1".parse().unwrap()])
///     .build()
///     .unwrap();
/// assert_eq!(behind_envoy.certificate_header(), Some(("x-forwarded-client-cert", CertificateHeaderFormat::Xfcc)));
///
/// let direct = MtlsConfig::default();
/// assert_eq!(direct.certificate_header(), None);
///
/// let error = MtlsConfig::builder()
///     .certificate_header("client cert", CertificateHeaderFormat::Rfc9440)
///     .build()
///     .unwrap_err();
/// assert_eq!(error.label(), "invalid_certificate_header");
/// ```
#[derive(Clone, Default)]
pub struct MtlsConfig {
    pub(crate) header: Option<(&'static str, CertificateHeaderFormat)>,
    pub(crate) trusted_proxies: TrustedProxies,
}

impl MtlsConfig {
    /// A builder: no header, no trusted proxy (the TLS connection only).
    pub fn builder() -> MtlsConfigBuilder {
        MtlsConfigBuilder::default()
    }

    /// The header name (lower case) and format read from trusted proxies.
    pub fn certificate_header(&self) -> Option<(&'static str, CertificateHeaderFormat)> {
        self.header
    }

    /// The proxies whose header is believed.
    pub fn trusted_proxies(&self) -> &TrustedProxies {
        &self.trusted_proxies
    }
}

impl fmt::Debug for MtlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MtlsConfig")
            .field("header", &self.header)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}

/// Builds an [`MtlsConfig`].
#[derive(Debug, Default)]
#[must_use]
pub struct MtlsConfigBuilder {
    header: Option<(String, CertificateHeaderFormat)>,
    trusted_proxies: TrustedProxies,
}

impl MtlsConfigBuilder {
    /// Reads the client certificate from the header `name`, written by a
    /// TLS-terminating proxy in `format`, on requests from a trusted proxy.
    pub fn certificate_header(mut self, name: impl Into<String>, format: CertificateHeaderFormat) -> Self {
        self.header = Some((name.into(), format));
        self
    }

    /// Sets the proxies whose certificate header is believed (default
    /// none): addresses, or a [`TrustedProxies`] list shared with the DPoP
    /// settings.
    pub fn trusted_proxies(mut self, proxies: impl Into<TrustedProxies>) -> Self {
        self.trusted_proxies = proxies.into();
        self
    }

    /// Validates the settings and builds the configuration.
    pub fn build(self) -> Result<MtlsConfig, MtlsConfigError> {
        let header = match self.header {
            None => None,
            Some((name, format)) => {
                let name = http::HeaderName::try_from(name.trim())
                    .map_err(|_| MtlsConfigError::InvalidCertificateHeader)?;
                // Header names are read as `&'static str`; a configuration
                // is built once per service, so its one name is kept for
                // the life of the process.
                let name: &'static str = Box::leak(name.as_str().to_owned().into_boxed_str());
                Some((name, format))
            }
        };
        Ok(MtlsConfig {
            header,
            trusted_proxies: self.trusted_proxies,
        })
    }
}

/// A problem in an [`MtlsConfigBuilder`] configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MtlsConfigError {
    /// The certificate header name is not a valid HTTP header name.
    #[error("the client-certificate header name is not a valid header name")]
    InvalidCertificateHeader,
}

impl MtlsConfigError {
    /// A stable label.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::InvalidCertificateHeader => "invalid_certificate_header",
        }
    }
}
