//! The local narrowing check (SPEC §3.8): an exchange may only ask for
//! scopes the caller already has, under the policy of SPEC §2.3.
//!
//! It runs before the authorization server is asked, so a caller can never
//! use the resource server to obtain a token broader than its own, however
//! generous the authorization server is; and the same rule judges the
//! answer's `scope`.

use crate::{GrantedScopes, ScopePolicy};

/// The scopes of `requested` that `granted` does not cover under `policy`
/// (implications applied), space-delimited; `None` when every one is
/// covered.
///
/// ```text
/// granted "order"           requested "order:shipping"        → None
/// granted "order:shipping"  requested "order"                 → Some("order")
/// granted "inventory.write" requested "inventory:price"       → None
/// ```
pub(crate) fn uncovered(
    policy: &ScopePolicy,
    granted: &GrantedScopes,
    requested: &GrantedScopes,
) -> Option<String> {
    let effective = policy.effective_scopes(granted);
    let missing: Vec<&str> = requested
        .iter()
        .filter(|required| {
            !effective
                .iter()
                .any(|granted| policy.scope_covers(granted, required))
        })
        .collect();
    (!missing.is_empty()).then(|| missing.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(list: &str) -> GrantedScopes {
        GrantedScopes::from_space_delimited(list).unwrap()
    }

    #[test]
    fn a_sub_scope_of_a_granted_scope_is_covered() {
        let policy = ScopePolicy::default();
        assert_eq!(
            uncovered(&policy, &scopes("order"), &scopes("order:shipping")),
            None
        );
        assert_eq!(
            uncovered(
                &policy,
                &scopes("inventory.write"),
                &scopes("inventory:price inventory")
            ),
            None
        );
    }

    #[test]
    fn a_broader_scope_or_a_higher_level_is_not_covered() {
        let policy = ScopePolicy::default();
        assert_eq!(
            uncovered(
                &policy,
                &scopes("order:shipping"),
                &scopes("order order:shipping")
            )
            .as_deref(),
            Some("order")
        );
        assert_eq!(
            uncovered(&policy, &scopes("inventory"), &scopes("inventory:price.write")).as_deref(),
            Some("inventory:price.write")
        );
        assert_eq!(
            uncovered(&policy, &scopes("orders"), &scopes("order:item")).as_deref(),
            Some("order:item")
        );
    }

    #[test]
    fn implications_count_as_granted() {
        let policy = ScopePolicy::builder()
            .implies("admin:write", ["user:write"])
            .build()
            .unwrap();
        assert_eq!(uncovered(&policy, &scopes("admin"), &scopes("user:write")), None);
    }

    #[test]
    fn asking_for_nothing_is_always_covered() {
        let policy = ScopePolicy::default();
        assert_eq!(
            uncovered(&policy, &GrantedScopes::empty(), &GrantedScopes::empty()),
            None
        );
    }
}
