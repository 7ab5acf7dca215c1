//! The client-certificate header formats of TLS-terminating proxies (SPEC
//! §3.7): RFC 9440 `Client-Cert`, Envoy's `X-Forwarded-Client-Cert` and
//! URL-encoded PEM (nginx's `$ssl_client_escaped_cert`).

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::der::{MAX_DER_LEN, Unparsable, check_certificate};

/// How a proxy writes the client certificate into its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertificateHeaderFormat {
    /// RFC 9440 `Client-Cert`: the DER as a structured-field byte sequence,
    /// `:base64:`.
    Rfc9440,
    /// Envoy's `X-Forwarded-Client-Cert`: comma-separated elements, one per
    /// proxy hop, of `;`-separated `key=value` pairs; the certificate is
    /// the URL-encoded PEM of `Cert`. The last element (the nearest hop,
    /// the trusted proxy's) is read.
    Xfcc,
    /// The URL-encoded PEM of the certificate, as nginx's
    /// `$ssl_client_escaped_cert`.
    PemUrlEncoded,
}

impl CertificateHeaderFormat {
    /// The name of the format: `rfc9440`, `xfcc` or `pem-urlencoded`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Rfc9440 => "rfc9440",
            Self::Xfcc => "xfcc",
            Self::PemUrlEncoded => "pem-urlencoded",
        }
    }

    /// The DER of the certificate in the values of the header, in order.
    /// `Ok(None)` when the header carries no certificate (an XFCC element
    /// without `Cert`).
    pub(crate) fn certificate<'a>(
        self,
        mut values: impl Iterator<Item = &'a [u8]>,
    ) -> Result<Option<Vec<u8>>, Unparsable> {
        let der = match self {
            Self::Xfcc => {
                // Several field lines are one comma-separated list: the
                // nearest hop is the last element of the last line.
                let Some(last) = values.last() else {
                    return Ok(None);
                };
                match xfcc_cert(text(last)?)? {
                    Some(cert) => pem_der(&percent_decode(cert)?)?,
                    None => return Ok(None),
                }
            }
            Self::Rfc9440 | Self::PemUrlEncoded => {
                let value = match (values.next(), values.next()) {
                    (None, _) => return Ok(None),
                    (Some(_), Some(_)) => return Err(Unparsable::Header),
                    (Some(value), None) => text(value)?.trim(),
                };
                if self == Self::Rfc9440 {
                    rfc9440_der(value)?
                } else {
                    pem_der(&percent_decode(value)?)?
                }
            }
        };
        check_certificate(&der).map(|()| Some(der))
    }
}

impl fmt::Display for CertificateHeaderFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not a [`CertificateHeaderFormat`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown client-certificate header format {0:?}: expected rfc9440, xfcc or pem-urlencoded")]
pub struct UnknownCertificateHeaderFormat(pub String);

impl FromStr for CertificateHeaderFormat {
    type Err = UnknownCertificateHeaderFormat;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "rfc9440" => Ok(Self::Rfc9440),
            "xfcc" => Ok(Self::Xfcc),
            "pem-urlencoded" => Ok(Self::PemUrlEncoded),
            _ => Err(UnknownCertificateHeaderFormat(name.to_owned())),
        }
    }
}

/// The longest header value read: a PEM certificate, percent-encoded.
const MAX_VALUE_LEN: usize = 4 * MAX_DER_LEN;

fn text(value: &[u8]) -> Result<&str, Unparsable> {
    if value.len() > MAX_VALUE_LEN {
        return Err(Unparsable::Header);
    }
    std::str::from_utf8(value).map_err(|_| Unparsable::Header)
}

/// RFC 8941 §3.3.5 byte sequence: `:` base64 `:`.
fn rfc9440_der(value: &str) -> Result<Vec<u8>, Unparsable> {
    // RFC 8941 §3.3.5: parsers may accept a missing padding.
    const BASE64: GeneralPurpose = GeneralPurpose::new(
        &STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let inner = value
        .strip_prefix(':')
        .and_then(|rest| rest.strip_suffix(':'))
        .ok_or(Unparsable::Header)?;
    BASE64.decode(inner).map_err(|_| Unparsable::Encoding)
}

/// The DER of the one `CERTIFICATE` block of `pem`.
fn pem_der(pem: &str) -> Result<Vec<u8>, Unparsable> {
    let block = pem::parse(pem.trim()).map_err(|_| Unparsable::Pem)?;
    if block.tag() != "CERTIFICATE" {
        return Err(Unparsable::Pem);
    }
    Ok(block.into_contents())
}

/// `value` with `%XX` sequences decoded (`+` stays `+`: it is base64).
fn percent_decode(value: &str) -> Result<String, Unparsable> {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let hex = bytes.get(index + 1..index + 3).ok_or(Unparsable::Encoding)?;
            let hex = std::str::from_utf8(hex).map_err(|_| Unparsable::Encoding)?;
            decoded.push(u8::from_str_radix(hex, 16).map_err(|_| Unparsable::Encoding)?);
            index += 3;
        } else {
            decoded.push(byte);
            index += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| Unparsable::Encoding)
}

/// The `Cert` value of the last element of an XFCC header, unquoted.
fn xfcc_cert(value: &str) -> Result<Option<&str>, Unparsable> {
    let element = split_unquoted(value, b',')?.pop().unwrap_or_default();
    for pair in split_unquoted(element, b';')? {
        let (key, value) = pair.split_once('=').ok_or(Unparsable::Header)?;
        if key.trim().eq_ignore_ascii_case("cert") {
            return unquote(value.trim()).map(Some);
        }
    }
    Ok(None)
}

/// `value` split at each `separator` outside double quotes; an
/// unterminated quote is malformed.
fn split_unquoted(value: &str, separator: u8) -> Result<Vec<&str>, Unparsable> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (index, byte) in value.bytes().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            _ if byte == separator && !quoted => {
                parts.push(&value[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    if quoted {
        return Err(Unparsable::Header);
    }
    parts.push(&value[start..]);
    Ok(parts)
}

/// A quoted value without its quotes. A URL-encoded PEM needs no escapes:
/// a backslash inside is malformed.
fn unquote(value: &str) -> Result<&str, Unparsable> {
    match value.strip_prefix('"') {
        Some(rest) => rest
            .strip_suffix('"')
            .filter(|inner| !inner.contains(['"', '\\']))
            .ok_or(Unparsable::Header),
        None if value.contains(['"', '\\']) => Err(Unparsable::Header),
        None => Ok(value),
    }
}

#[cfg(test)]
#[path = "header_tests.rs"]
mod tests;
