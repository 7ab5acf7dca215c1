//! Granted-scope parsing (SPEC §2.1, §2.2): the space-delimited list and
//! the JSON forms of the `scope` / `scp` claims.
//!
//! Properties: a list parses exactly when every byte is a space or a
//! scope-token byte (fail closed, never "skip the bad one"); the canonical
//! form re-parses to the same set and is stable; every token of the input is
//! in the set and satisfies itself as a requirement; the JSON string form
//! agrees with the plain parser, and the array form accepts exactly arrays of
//! valid tokens.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopeguard_core::scopes::scope::is_scope_byte;
use scopeguard_core::{GrantedScopes, Requirement, ScopePolicy};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = GrantedScopes::from_space_delimited(text);
    let grammatical = text.bytes().all(|byte| byte == b' ' || is_scope_byte(byte));
    assert_eq!(parsed.is_ok(), grammatical, "{text:?}");

    // The JSON string form is the same parser.
    let as_json_string = serde_json::to_string(text).expect("a string serializes");
    let from_json = serde_json::from_str::<GrantedScopes>(&as_json_string);
    assert_eq!(from_json.is_ok(), grammatical, "{as_json_string}");

    // The array form: every element exactly one token.
    let elements: Vec<&str> = text.split(',').collect();
    let as_json_array = serde_json::to_string(&elements).expect("an array serializes");
    let from_array = serde_json::from_str::<GrantedScopes>(&as_json_array);
    let all_tokens = elements.iter().all(|element| scopeguard_core::scopes::scope::validate(element).is_ok());
    assert_eq!(from_array.is_ok(), all_tokens, "{as_json_array}");
    if let Ok(set) = &from_array {
        assert_eq!(set, &GrantedScopes::from_tokens(&elements).expect("the same tokens"));
    }

    // Arbitrary JSON never panics, and what it yields is canonical.
    if let Ok(set) = serde_json::from_slice::<GrantedScopes>(data) {
        let canonical = set.as_space_delimited();
        assert_eq!(GrantedScopes::from_space_delimited(canonical).as_ref(), Ok(&set));
    }

    let Ok(granted) = parsed else {
        return;
    };
    assert_eq!(from_json.as_ref().ok(), Some(&granted));
    let canonical = granted.as_space_delimited();
    let reparsed = GrantedScopes::from_space_delimited(canonical).expect("the canonical form parses");
    assert_eq!(reparsed, granted);
    assert_eq!(reparsed.as_space_delimited(), canonical, "canonical form is stable");
    assert!(!canonical.starts_with(' ') && !canonical.ends_with(' ') && !canonical.contains("  "));

    let tokens: Vec<&str> = text.split(' ').filter(|token| !token.is_empty()).collect();
    let mut distinct = tokens.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(granted.len(), distinct.len());
    assert_eq!(granted.iter().collect::<Vec<_>>(), distinct, "sorted, deduplicated");
    let policy = ScopePolicy::default();
    for token in tokens.iter().take(16) {
        assert!(granted.contains(token));
        let requirement = Requirement::parse(&format!("\"{token}\""));
        if let Ok(requirement) = requirement {
            // A granted scope always satisfies itself (SPEC §2.3 rule 1).
            if !requirement.has_templates() {
                assert_eq!(policy.check(&granted, &requirement, &()), Ok(()), "{token}");
            }
        }
    }
});
