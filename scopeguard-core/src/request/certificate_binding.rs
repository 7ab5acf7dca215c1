//! The certificate binding (`cnf.x5t#S256`, SPEC §3.7) in the
//! authentication step, with or without the `mtls` feature.

use crate::{AuthError, Principal};

/// What was read of a request's client certificate: `None` without an mTLS
/// configuration.
#[cfg(feature = "mtls")]
pub(crate) type CertificateRead = Option<crate::mtls::request_check::MtlsRequest>;

/// Without the `mtls` feature nothing is read.
#[cfg(not(feature = "mtls"))]
#[derive(Debug)]
pub(crate) struct CertificateRead;

/// Reads the client certificate of `request` when mTLS is configured.
#[cfg(feature = "mtls")]
pub(crate) fn read_certificate(
    config: Option<&crate::mtls::MtlsConfig>,
    request: &(impl super::RequestHead + ?Sized),
) -> CertificateRead {
    config.map(|config| crate::mtls::request_check::MtlsRequest::read(config, request))
}

/// Without the `mtls` feature nothing is read.
#[cfg(not(feature = "mtls"))]
pub(crate) fn read_certificate(_: Option<&()>, _: &(impl super::RequestHead + ?Sized)) -> CertificateRead {
    CertificateRead
}

/// Whether `principal`'s certificate binding, if any, holds for what was
/// read. Without an mTLS configuration a certificate-bound token cannot be
/// checked, so it is refused (401): never accepted unchecked.
#[cfg_attr(
    not(feature = "mtls"),
    allow(
        clippy::trivially_copy_pass_by_ref,
        reason = "same signature with the feature"
    )
)]
pub(crate) fn bind_certificate(read: &CertificateRead, principal: &Principal) -> Result<(), AuthError> {
    #[cfg(feature = "mtls")]
    if let Some(read) = read {
        return read.bind(principal);
    }
    #[cfg(not(feature = "mtls"))]
    let CertificateRead = read;
    if principal.x5t_s256().is_some() {
        tracing::info!(
            reason = crate::error::InvalidToken::CertificateMissing.label(),
            "a certificate-bound token came to a service without mTLS configured: refused"
        );
        return Err(crate::error::InvalidToken::CertificateMissing.into());
    }
    Ok(())
}
