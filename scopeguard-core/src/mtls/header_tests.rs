use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::CertificateHeaderFormat::{self, PemUrlEncoded, Rfc9440, Xfcc};
use super::Unparsable;

/// The smallest certificate shape: SEQUENCE { SEQUENCE {}, SEQUENCE {}, BIT STRING 0 }.
const DER: [u8; 9] = [0x30, 0x07, 0x30, 0x00, 0x30, 0x00, 0x03, 0x01, 0x00];
/// Another one: a one-byte signature.
const OTHER: [u8; 10] = [0x30, 0x08, 0x30, 0x00, 0x30, 0x00, 0x03, 0x02, 0x00, 0x01];

fn pem(der: &[u8]) -> String {
    pem::encode(&pem::Pem::new("CERTIFICATE", der.to_vec()))
}

/// Percent-encodes every byte but unreserved ones, as nginx and Envoy do.
fn url_encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

fn read(format: CertificateHeaderFormat, values: &[&str]) -> Result<Option<Vec<u8>>, Unparsable> {
    format.certificate(values.iter().map(|value| value.as_bytes()))
}

#[test]
fn rfc9440_is_a_base64_byte_sequence_between_colons() {
    let value = format!(":{}:", STANDARD.encode(DER));
    assert_eq!(read(Rfc9440, &[&value]), Ok(Some(DER.to_vec())));
    let unpadded = format!(" :{}: ", STANDARD.encode(OTHER).trim_end_matches('='));
    assert_eq!(read(Rfc9440, &[&unpadded]), Ok(Some(OTHER.to_vec())));
    assert_eq!(read(Rfc9440, &[]), Ok(None));
}

#[test]
fn malformed_rfc9440_values_are_unparsable() {
    let encoded = STANDARD.encode(DER);
    assert_eq!(read(Rfc9440, &[&encoded]), Err(Unparsable::Header));
    assert_eq!(read(Rfc9440, &[":not base64!:"]), Err(Unparsable::Encoding));
    assert_eq!(read(Rfc9440, &[":AAAA:"]), Err(Unparsable::Der));
    let value = format!(":{encoded}:");
    assert_eq!(read(Rfc9440, &[&value, &value]), Err(Unparsable::Header));
}

#[test]
fn url_encoded_pem_is_read_with_plus_signs_intact() {
    // 0xfb 0xef encode to `++8`: a decoder that turns `+` into a space breaks it.
    let der = [0x30, 0x09, 0x30, 0x00, 0x30, 0x00, 0x03, 0x03, 0x00, 0xfb, 0xef];
    let pem = pem(&der);
    assert!(pem.contains('+'));
    let escaped = url_encoded(&pem).replace("%2B", "+");
    assert_eq!(read(PemUrlEncoded, &[&escaped]), Ok(Some(der.to_vec())));
    assert_eq!(read(PemUrlEncoded, &[&url_encoded(&pem)]), Ok(Some(der.to_vec())));
}

#[test]
fn malformed_url_encoded_pem_is_unparsable() {
    assert_eq!(read(PemUrlEncoded, &["%zz"]), Err(Unparsable::Encoding));
    assert_eq!(
        read(PemUrlEncoded, &["-----BEGIN%20CERTIFICATE"]),
        Err(Unparsable::Pem)
    );
    let key = url_encoded(&pem::encode(&pem::Pem::new("PRIVATE KEY", DER.to_vec())));
    assert_eq!(read(PemUrlEncoded, &[&key]), Err(Unparsable::Pem));
    let not_a_certificate = url_encoded(&pem(b"\x02\x01\x00"));
    assert_eq!(read(PemUrlEncoded, &[&not_a_certificate]), Err(Unparsable::Der));
}

#[test]
fn xfcc_reads_the_nearest_hop_with_quoted_separators() {
    let far = url_encoded(&pem(&OTHER));
    let near = url_encoded(&pem(&DER));
    let value = format!(
        r#"By=spiffe://far;Hash=aa;Cert="{far}";Subject="CN=a, O=b; c",By=spiffe://near;Subject="CN=x,y;z";Cert="{near}";URI=spiffe://client"#
    );
    assert_eq!(read(Xfcc, &[&value]), Ok(Some(DER.to_vec())));
    // Two field lines are one list: the last element of the last line.
    let first_line = format!(r#"Cert="{far}""#);
    let second_line = format!("Hash=bb;cert={near}");
    assert_eq!(read(Xfcc, &[&first_line, &second_line]), Ok(Some(DER.to_vec())));
    // The nearest hop without `Cert`: no certificate, whatever farther hops had.
    let without = format!(r#"Cert="{far}",By=spiffe://near;Hash=cc"#);
    assert_eq!(read(Xfcc, &[&without]), Ok(None));
}

#[test]
fn malformed_xfcc_is_unparsable() {
    let near = url_encoded(&pem(&DER));
    let unterminated = format!(r#"Cert="{near}"#);
    assert_eq!(read(Xfcc, &[&unterminated]), Err(Unparsable::Header));
    assert_eq!(read(Xfcc, &["Cert"]), Err(Unparsable::Header));
    assert_eq!(read(Xfcc, &[r#"Cert="a\"b""#]), Err(Unparsable::Header));
    assert_eq!(read(Xfcc, &["Cert=%zz"]), Err(Unparsable::Encoding));
}

#[test]
fn format_names_round_trip() {
    for format in [Rfc9440, Xfcc, PemUrlEncoded] {
        assert_eq!(format.name().parse::<CertificateHeaderFormat>(), Ok(format));
    }
    assert!("pem".parse::<CertificateHeaderFormat>().is_err());
}
