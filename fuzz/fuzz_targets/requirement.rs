//! Requirement parsing (SPEC §2.4): the run-time syntax shared with the
//! macro.
//!
//! Properties: parse → display → parse is the identity, and display is a
//! fixed point; the compile-time check accepts exactly what the run-time
//! parser accepts; every scope leaf is a valid scope token; a granted set
//! holding every scope of the requirement satisfies it (when it has no
//! templates and no step-up).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopeguard_core::scopes::requirement::compile_time;
use scopeguard_core::{GrantedScopes, Requirement, Scope, ScopePolicy};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = Requirement::parse(text);
    assert_eq!(
        compile_time::check(text).is_ok(),
        parsed.is_ok(),
        "the macro and the run-time parser disagree on {text:?}"
    );
    let Ok(requirement) = parsed else {
        return;
    };
    let displayed = requirement.to_string();
    let reparsed = Requirement::parse(&displayed)
        .unwrap_or_else(|error| panic!("{displayed:?} (from {text:?}) does not parse: {error}"));
    assert_eq!(reparsed, requirement, "{text:?} → {displayed:?}");
    assert_eq!(reparsed.to_string(), displayed, "display is stable");

    for scope in requirement.scopes() {
        assert!(scopeguard_core::scopes::scope::validate(scope.as_str()).is_ok(), "{scope:?}");
    }
    if !requirement.has_templates() && requirement.step_up().is_empty() {
        let all = GrantedScopes::from_tokens(requirement.scopes().map(Scope::as_str))
            .expect("scopes are valid tokens");
        assert_eq!(
            ScopePolicy::default().check(&all, &requirement, &()),
            Ok(()),
            "every scope granted satisfies {displayed:?}"
        );
    }
});
