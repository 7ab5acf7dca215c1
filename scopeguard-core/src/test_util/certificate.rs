//! Client certificates for certificate-bound tokens (SPEC §3.7, §8).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::mtls::{CertificateHeaderFormat, certificate_thumbprint};

/// A self-signed certificate with its private key (ECDSA P-256), made
/// fresh for a test: the client certificate of a
/// [certificate-bound](super::TokenBuilder::certificate_bound) token, or a
/// test server's certificate. It renders itself in each header format a
/// TLS-terminating proxy uses.
///
/// ```
/// use scopeguard_core::mtls::CertificateHeaderFormat;
/// use scopeguard_core::test_util::{TestCertificate, TestIssuer};
///
/// let certificate = TestCertificate::generate("client.test");
/// let issuer = TestIssuer::new();
/// let token = issuer.token().scopes("order:item").certificate_bound(&certificate).sign();
/// # let _ = token;
/// assert!(certificate.header_value(CertificateHeaderFormat::Rfc9440).starts_with(':'));
/// assert_eq!(certificate.thumbprint().len(), 43);
/// ```
pub struct TestCertificate {
    der: Vec<u8>,
    key_der: Vec<u8>,
}

impl TestCertificate {
    /// A fresh self-signed certificate for `name` (its subject alternative
    /// name).
    ///
    /// # Panics
    ///
    /// If the key cannot be generated (a broken crypto backend).
    pub fn generate(name: &str) -> Self {
        let certified = rcgen::generate_simple_self_signed(vec![name.to_owned()])
            .expect("rcgen makes a self-signed certificate for a DNS name");
        Self {
            der: certified.cert.der().to_vec(),
            key_der: certified.signing_key.serialize_der(),
        }
    }

    /// The certificate's DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The PKCS#8 DER encoding of the private key.
    pub fn private_key_der(&self) -> &[u8] {
        &self.key_der
    }

    /// The certificate in PEM.
    pub fn pem(&self) -> String {
        pem::encode(&pem::Pem::new("CERTIFICATE", self.der.clone()))
    }

    /// The private key in PEM (PKCS#8).
    pub fn private_key_pem(&self) -> String {
        pem::encode(&pem::Pem::new("PRIVATE KEY", self.key_der.clone()))
    }

    /// base64url SHA-256 of the DER: the `cnf.x5t#S256` of tokens bound to
    /// this certificate.
    pub fn thumbprint(&self) -> String {
        certificate_thumbprint(&self.der)
    }

    /// The certificate as a proxy writes it in a header of `format`:
    /// RFC 9440 `:base64:`; an XFCC element of one hop
    /// (`Hash=...;Cert="..."`); the URL-encoded PEM.
    pub fn header_value(&self, format: CertificateHeaderFormat) -> String {
        match format {
            CertificateHeaderFormat::Rfc9440 => format!(":{}:", STANDARD.encode(&self.der)),
            CertificateHeaderFormat::Xfcc => format!(
                r#"Hash={};Cert="{}";Subject="CN=client, O=test; unit""#,
                hex_sha256(&self.der),
                url_encode(&self.pem())
            ),
            CertificateHeaderFormat::PemUrlEncoded => url_encode(&self.pem()),
        }
    }
}

impl fmt::Debug for TestCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCertificate")
            .field("thumbprint", &self.thumbprint())
            .finish_non_exhaustive()
    }
}

/// Percent-encodes every byte but unreserved ones, as nginx's
/// `$ssl_client_escaped_cert` and Envoy do.
pub(crate) fn url_encode(text: &str) -> String {
    use fmt::Write as _;

    let mut encoded = String::with_capacity(text.len() * 3 / 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// The hex SHA-256 of `der`, as Envoy's `Hash`.
fn hex_sha256(der: &[u8]) -> String {
    use fmt::Write as _;

    crate::digest::sha256(der)
        .iter()
        .fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}
