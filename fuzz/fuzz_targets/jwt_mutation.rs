//! Mutated signed tokens: a token signed by one of the fixed keys, edited
//! by the fuzzer (byte replacements, insertions, deletions, at positions it
//! chooses), is accepted only if the edit changed nothing that is signed:
//! the header and claims segments are byte-identical to the original and
//! the signature decodes to the same bytes. Unchanged, it is accepted.
//! Every rejection is a 401, and an accepted token re-verifies with raw
//! jsonwebtoken.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scopeguard_fuzz::{FIXTURES, check_outcome, lenient_b64, runtime, signed, validator};

fn originals() -> &'static [String] {
    static TOKENS: OnceLock<Vec<String>> = OnceLock::new();
    TOKENS.get_or_init(|| {
        FIXTURES
            .iter()
            .flat_map(|fixture| [signed(fixture, "order inventory:price"), signed(fixture, "")])
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, edits)) = data.split_first() else {
        return;
    };
    let original = &originals()[usize::from(choice) % originals().len()];
    let mut token = original.clone().into_bytes();
    // Each edit: 2 bytes of position, 1 of operation, 1 of value.
    for edit in edits.chunks_exact(4) {
        if token.is_empty() {
            break;
        }
        let position = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % (token.len() + 1);
        let value = edit[3];
        match edit[2] % 4 {
            0 | 1 if position < token.len() => token[position] = value,
            2 => token.insert(position, value),
            3 if position < token.len() => {
                token.remove(position);
            }
            _ => token.push(value),
        }
    }
    let Ok(token) = String::from_utf8(token) else {
        return;
    };
    let outcome = runtime().block_on(validator().validate(&token));
    check_outcome(&token, &outcome);
    if token == *original {
        assert!(outcome.is_ok(), "the unchanged token is rejected: {outcome:?}");
        return;
    }
    if outcome.is_ok() {
        let (signed_part, signature) = token.rsplit_once('.').expect("three parts");
        let (original_signed, original_signature) = original.rsplit_once('.').expect("three parts");
        assert_eq!(signed_part, original_signed, "accepted a change to the signed part");
        assert_eq!(
            lenient_b64(signature),
            lenient_b64(original_signature),
            "accepted another signature: {signature:?}"
        );
    }
});
