//! The byte-level rules shared by scope and requirement parsing, as
//! `const fn`s so compile-time checks can use them too.

/// Whether `byte` may appear in a scope token (RFC 6749 §3.3).
#[inline]
pub const fn is_scope_byte(byte: u8) -> bool {
    matches!(byte, 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

/// Whether `bytes[start..end]` is `expected`, in a `const fn`.
pub(crate) const fn eq(bytes: &[u8], start: usize, end: usize, expected: &[u8]) -> bool {
    if end - start != expected.len() {
        return false;
    }
    let mut index = 0;
    while index < expected.len() {
        if bytes[start + index] != expected[index] {
            return false;
        }
        index += 1;
    }
    true
}
