//! The little DER (ITU-T X.690) the key checks read: one element at a
//! time, with bounds checked, never a panic on hostile input.

/// One DER element at the start of `input`: its tag, its contents and what
/// follows it. Only low tag numbers and definite lengths of up to four
/// bytes, which is all DER keys use.
pub(super) fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1F == 0x1F {
        return None;
    }
    let (&first, mut rest) = rest.split_first()?;
    let length = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7F);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, after) = rest.split_at(count);
        rest = after;
        bytes
            .iter()
            .fold(0_usize, |length, &byte| (length << 8) | usize::from(byte))
    };
    (rest.len() >= length).then(|| {
        let (contents, after) = rest.split_at(length);
        (tag, contents, after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_element_is_its_tag_contents_and_what_follows() {
        assert_eq!(
            element(&[0x02, 0x01, 0x05, 0xFF]),
            Some((0x02, &[0x05][..], &[0xFF][..]))
        );
        let long = [&[0x04, 0x81, 0x80][..], &[7; 0x80]].concat();
        assert_eq!(element(&long), Some((0x04, &[7; 0x80][..], &[][..])));
    }

    #[test]
    fn truncated_or_unsupported_encodings_are_no_element() {
        for input in [
            &[][..],
            &[0x02],
            &[0x02, 0x02, 0x05],
            &[0x1F, 0x01, 0x00],
            &[0x04, 0x80],
            &[0x04, 0x85, 1, 1, 1, 1, 1],
            &[0x04, 0x81],
        ] {
            assert_eq!(element(input), None, "{input:?}");
        }
    }
}
