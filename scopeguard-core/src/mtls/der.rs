//! A client certificate's DER encoding: the shape check and the
//! thumbprint (RFC 8705 §3.1).

/// Why a presented certificate cannot be used: a stable label for logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unparsable {
    /// The header's value breaks its format (quoting, `:` delimiters,
    /// several values where one is allowed, not UTF-8).
    Header,
    /// Not valid base64, or bad percent-encoding.
    Encoding,
    /// Not one PEM `CERTIFICATE` block.
    Pem,
    /// Bytes that are not the DER of a certificate.
    Der,
}

impl Unparsable {
    /// A stable label.
    pub(crate) const fn label(self) -> &'static str {
        match self {
            Self::Header => "certificate_header_malformed",
            Self::Encoding => "certificate_encoding_invalid",
            Self::Pem => "certificate_pem_invalid",
            Self::Der => "certificate_der_invalid",
        }
    }
}

/// The longest certificate read, in bytes of DER.
pub(crate) const MAX_DER_LEN: usize = 16 * 1024;

/// Whether `der` has the shape of an X.509 certificate (RFC 5280 §4.1): one
/// DER `SEQUENCE` spanning every byte, holding a `SEQUENCE`
/// (`tbsCertificate`), a `SEQUENCE` (`signatureAlgorithm`) and a
/// `BIT STRING` (`signatureValue`), and nothing else. The thumbprint needs
/// the bytes only; this keeps arbitrary bytes from passing for a
/// certificate.
pub(crate) fn check_certificate(der: &[u8]) -> Result<(), Unparsable> {
    if der.len() > MAX_DER_LEN {
        return Err(Unparsable::Der);
    }
    let (tag, content, rest) = element(der).ok_or(Unparsable::Der)?;
    if tag != SEQUENCE || !rest.is_empty() {
        return Err(Unparsable::Der);
    }
    let mut inner = content;
    for expected in [SEQUENCE, SEQUENCE, BIT_STRING] {
        let (tag, _, rest) = element(inner).ok_or(Unparsable::Der)?;
        if tag != expected {
            return Err(Unparsable::Der);
        }
        inner = rest;
    }
    if !inner.is_empty() {
        return Err(Unparsable::Der);
    }
    Ok(())
}

/// base64url (no padding) of SHA-256 of `der`: the `x5t#S256` of a token
/// bound to that certificate.
pub(crate) fn thumbprint(der: &[u8]) -> String {
    crate::digest::sha256_base64url(der)
}

const SEQUENCE: u8 = 0x30;
const BIT_STRING: u8 = 0x03;

/// One DER element of `bytes`: its tag, its content and what follows.
/// `None` for an indefinite or non-minimal length, or one past the end.
fn element(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 3 || rest.len() < count || rest[0] == 0 {
            return None;
        }
        let length = rest[..count]
            .iter()
            .fold(0usize, |length, &byte| (length << 8) | usize::from(byte));
        if length < 0x80 {
            return None;
        }
        (length, &rest[count..])
    };
    (rest.len() >= length).then(|| (tag, &rest[..length], &rest[length..]))
}

#[cfg(test)]
mod tests {
    use super::{Unparsable, check_certificate, thumbprint};

    /// The smallest certificate shape: SEQUENCE { SEQUENCE {}, SEQUENCE {}, BIT STRING 0 }.
    const SHAPE: [u8; 9] = [0x30, 0x07, 0x30, 0x00, 0x30, 0x00, 0x03, 0x01, 0x00];

    #[test]
    fn the_certificate_shape_passes() {
        assert_eq!(check_certificate(&SHAPE), Ok(()));
    }

    #[test]
    fn other_bytes_do_not() {
        let cases: [&[u8]; 7] = [
            &[],
            &[0x30],
            &[0x30, 0x00],
            // Trailing byte after the outer SEQUENCE.
            &[0x30, 0x07, 0x30, 0x00, 0x30, 0x00, 0x03, 0x01, 0x00, 0x00],
            // A length past the end.
            &[0x30, 0x08, 0x30, 0x00, 0x30, 0x00, 0x03, 0x01, 0x00],
            // An INTEGER where the signature's BIT STRING goes.
            &[0x30, 0x07, 0x30, 0x00, 0x30, 0x00, 0x02, 0x01, 0x00],
            // An indefinite length.
            &[0x30, 0x80, 0x30, 0x00, 0x30, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00],
        ];
        for bytes in cases {
            assert_eq!(check_certificate(bytes), Err(Unparsable::Der), "{bytes:02x?}");
        }
    }

    #[test]
    fn the_thumbprint_is_base64url_sha256_without_padding() {
        // SHA-256("abc"), RFC 6234's test vector, in base64url.
        assert_eq!(thumbprint(b"abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    }
}
