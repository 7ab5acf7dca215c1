//! mTLS in the authentication step (SPEC §3.7): the certificate read of a
//! request before its token is validated, and the binding check after.

use std::sync::Arc;

use super::CertificateHeaderFormat;
use super::config::MtlsConfig;
use super::der::{Unparsable, check_certificate, thumbprint};
use crate::digest::constant_time_eq;
use crate::error::InvalidToken;
use crate::request::RequestHead;
use crate::{AuthError, Principal};

/// The certificate a request presented, read before anything waits; parsed
/// only for a token bound to a certificate.
#[derive(Debug)]
pub(crate) struct MtlsRequest {
    presented: Presented,
}

#[derive(Debug)]
enum Presented {
    /// No certificate.
    Nothing,
    /// The DER of the TLS connection's client certificate.
    Connection(Arc<[u8]>),
    /// The values of the certificate header of a trusted proxy.
    Header(CertificateHeaderFormat, Vec<Vec<u8>>),
}

impl MtlsRequest {
    /// Reads the certificate `head` presents: from a trusted proxy, its
    /// header; from anyone else, the TLS connection's.
    pub(crate) fn read(config: &MtlsConfig, head: &(impl RequestHead + ?Sized)) -> Self {
        if let Some((name, format)) = config.header {
            let mut values = head.header_values(name).peekable();
            if config.trusted_proxies.trusts(head) {
                let values = values.map(<[u8]>::to_vec).collect::<Vec<_>>();
                let presented = if values.is_empty() {
                    Presented::Nothing
                } else {
                    Presented::Header(format, values)
                };
                return Self { presented };
            }
            if values.peek().is_some() {
                tracing::warn!(
                    reason = "certificate_header_untrusted",
                    header = name,
                    peer = ?head.peer_ip(),
                    "a client-certificate header came from a peer that is not a trusted proxy: ignored"
                );
            }
        }
        let presented = head
            .peer_certificate()
            .map_or(Presented::Nothing, |der| Presented::Connection(der.into()));
        Self { presented }
    }

    /// Whether the presented certificate is the one `principal`'s
    /// `cnf.x5t#S256` names. A token without `x5t#S256` passes whatever
    /// was presented.
    pub(crate) fn bind(&self, principal: &Principal) -> Result<(), AuthError> {
        let Some(expected) = principal.x5t_s256() else {
            return Ok(());
        };
        let der = match &self.presented {
            Presented::Nothing => None,
            Presented::Connection(der) => Some(check_certificate(der).map(|()| der.to_vec())),
            Presented::Header(format, values) => {
                format.certificate(values.iter().map(Vec::as_slice)).transpose()
            }
        };
        let der = match der {
            None => {
                return Err(deny(
                    InvalidToken::CertificateMissing,
                    "no client certificate presented",
                ));
            }
            Some(Err(unparsable)) => return Err(unparsable_certificate(unparsable)),
            Some(Ok(der)) => der,
        };
        if constant_time_eq(thumbprint(&der).as_bytes(), expected.as_bytes()) {
            Ok(())
        } else {
            Err(deny(
                InvalidToken::CertificateMismatch,
                "the certificate is not the token's",
            ))
        }
    }
}

fn unparsable_certificate(unparsable: Unparsable) -> AuthError {
    tracing::info!(
        reason = InvalidToken::CertificateUnparsable.label(),
        detail = unparsable.label(),
        "a certificate-bound token came with a client certificate that cannot be parsed"
    );
    InvalidToken::CertificateUnparsable.into()
}

pub(crate) fn deny(error: InvalidToken, detail: &'static str) -> AuthError {
    tracing::info!(
        reason = error.label(),
        detail,
        "a certificate-bound token is refused"
    );
    error.into()
}
