//! The scope decision (SPEC §2.3): `ScopePolicy::check` of the default
//! policy against the plain definition of rules 1–3.
//!
//! Input: a space-delimited granted list, a newline, a required scope. The
//! policy picks candidates by length and first byte, from a shape each
//! scope records when it is made, and scans a small set but binary-searches
//! a larger one; none of that may change an answer. Property: whenever both
//! parse, the policy allows exactly when some granted scope covers the
//! required one by the definition.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopeguard_core::{GrantedScopes, Requirement, Scope, ScopePolicy};

#[path = "../../scopeguard-core/tests/support/coverage.rs"]
mod coverage;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((list, required)) = text.split_once('\n') else {
        return;
    };
    let (Ok(granted), Ok(scope)) = (GrantedScopes::from_space_delimited(list), Scope::new(required.to_owned()))
    else {
        return;
    };
    let expected = granted
        .iter()
        .any(|scope| coverage::spec_covers(":", ".write", scope, required));
    let allowed = ScopePolicy::default()
        .check(&granted, &Requirement::from(scope), &())
        .is_ok();
    assert_eq!(allowed, expected, "granted {list:?}, required {required:?}");
});
