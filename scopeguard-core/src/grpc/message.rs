//! `grpc-message` text, percent-encoded as the gRPC over HTTP/2 protocol
//! says: bytes from space to `~` stand for themselves, except `%`; every
//! other byte of the UTF-8 text is `%XX` in upper-case hexadecimal.

/// `text` percent-encoded for `grpc-message`.
///
/// ```
/// use scopeguard_core::grpc::encode_grpc_message;
///
/// assert_eq!(encode_grpc_message("no bearer token"), "no bearer token");
/// assert_eq!(encode_grpc_message("100% café\n"), "100%25 caf%C3%A9%0A");
/// ```
pub fn encode_grpc_message(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if (0x20..=0x7E).contains(&byte) && byte != b'%' {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_ascii_but_percent_is_kept() {
        let printable: String = (0x20_u8..=0x7E).filter(|&b| b != b'%').map(char::from).collect();
        assert_eq!(encode_grpc_message(&printable), printable);
    }

    #[test]
    fn percent_controls_and_non_ascii_are_encoded() {
        assert_eq!(encode_grpc_message("%"), "%25");
        assert_eq!(encode_grpc_message("\t\r\u{7f}"), "%09%0D%7F");
        assert_eq!(encode_grpc_message("✓"), "%E2%9C%93");
    }
}
