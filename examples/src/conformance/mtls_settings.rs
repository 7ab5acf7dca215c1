//! The conformance servers' mTLS settings (SPEC §3.7, §7), read from the
//! environment: the certificate header of a TLS-terminating proxy, its
//! format, and the trusted proxies (shared with DPoP).

use std::net::IpAddr;

use scopeguard_core::mtls::{CertificateHeaderFormat, MtlsConfig};
use scopeguard_core::request::TrustedProxies;

use super::StartupError;

/// `SCOPEGUARD_MTLS_CERT_HEADER`: the header carrying the client certificate.
pub const MTLS_CERT_HEADER: &str = "SCOPEGUARD_MTLS_CERT_HEADER";
/// `SCOPEGUARD_MTLS_CERT_FORMAT`: `rfc9440`, `xfcc` or `pem-urlencoded`.
pub const MTLS_CERT_FORMAT: &str = "SCOPEGUARD_MTLS_CERT_FORMAT";
/// `SCOPEGUARD_TRUSTED_PROXIES`: comma-separated IP addresses whose
/// forwarded and certificate headers are believed.
pub const TRUSTED_PROXIES: &str = "SCOPEGUARD_TRUSTED_PROXIES";

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

/// `SCOPEGUARD_TRUSTED_PROXIES`, one list for DPoP and mTLS. A value that
/// is not an IP address is a problem pushed onto `problems`.
pub fn trusted_proxies(problems: &mut Vec<String>) -> TrustedProxies {
    let mut proxies = Vec::new();
    for proxy in var(TRUSTED_PROXIES)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|proxy| !proxy.is_empty())
    {
        match proxy.parse::<IpAddr>() {
            Ok(ip) => proxies.push(ip),
            Err(_) => problems.push(format!("{TRUSTED_PROXIES}: not an IP address")),
        }
    }
    TrustedProxies::new(proxies)
}

/// The mTLS settings, from the environment. Without a header the
/// certificate comes from the TLS connection only (none, for these
/// plain-HTTP servers): certificate-bound tokens are refused. The header
/// and the format go together: one without the other is a problem.
pub fn mtls_config() -> Result<MtlsConfig, StartupError> {
    let mut problems = Vec::new();
    let proxies = trusted_proxies(&mut problems);
    let mut builder = MtlsConfig::builder().trusted_proxies(proxies);
    match (var(MTLS_CERT_HEADER), var(MTLS_CERT_FORMAT)) {
        (None, None) => {}
        (Some(header), Some(format)) => match format.parse::<CertificateHeaderFormat>() {
            Ok(format) => builder = builder.certificate_header(header, format),
            Err(error) => problems.push(format!("{MTLS_CERT_FORMAT}: {error}")),
        },
        (Some(_), None) => problems.push(format!("{MTLS_CERT_HEADER} needs {MTLS_CERT_FORMAT}")),
        (None, Some(_)) => problems.push(format!("{MTLS_CERT_FORMAT} needs {MTLS_CERT_HEADER}")),
    }
    let config = builder.build();
    if let Err(error) = &config {
        problems.push(format!("{MTLS_CERT_HEADER}: {error}"));
    }
    match config {
        Ok(config) if problems.is_empty() => Ok(config),
        _ => Err(StartupError::Mtls(problems.join("; "))),
    }
}
