//! The requirements the program uses, and the scopes they name (SPEC §6).
//!
//! Three records, gathered by [`used_requirements`]:
//!
//! - the `#[requires_scope(...)]` handlers the program was built with
//!   ([`registered_requirements`]);
//! - the types declared with [`scope!`](crate::scope!) (for `Scoped<R>`
//!   extractors), listed at build time ([`declared_requirements`]);
//! - the `RequireScope` layers and middleware constructed so far, recorded
//!   by their constructors ([`record`]).
//!
//! [`used_scopes`] turns them into the scope list of the resource metadata
//! (`scopes_supported`) and of the scope-catalogue check, so neither can fall
//! out of date.
//!
//! ```
//! use scopeguard_core::inventory::usage::{TemplateScopes, record, used_scopes};
//! use scopeguard_core::{Requirement, scope};
//!
//! scope!(Sales = any("inventory:sales", "report:read"));
//! record(&Requirement::parse("all(order:item, transaction-{tx})").unwrap());
//!
//! let scopes = used_scopes(TemplateScopes::Omit);
//! assert!(scopes.contains(&"inventory:sales".to_owned()));
//! assert!(scopes.contains(&"order:item".to_owned()));
//! assert!(!scopes.iter().any(|scope| scope.starts_with("transaction-")));
//!
//! let scopes = used_scopes(TemplateScopes::FixedPrefix);
//! assert!(scopes.contains(&"transaction-".to_owned()));
//! ```
//!
//! A requirement built once at start-up is recorded once; the record keeps
//! at most [`MAX_RECORDED`] distinct requirements, so a program that builds
//! layers from unbounded input cannot grow it without limit (past the limit,
//! new requirements are not listed and a warning is logged once).

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex, PoisonError};

use crate::inventory::registry::registered_requirements;
use crate::{Requirement, RequirementError};

/// The most distinct requirements [`record`] keeps.
pub const MAX_RECORDED: usize = 1024;

/// A requirement declared with [`scope!`](crate::scope!).
#[derive(Debug, PartialEq, Eq)]
pub struct DeclaredRequirement {
    name: &'static str,
    text: &'static str,
}

impl DeclaredRequirement {
    /// A declaration; the expansion of [`scope!`](crate::scope!) builds these.
    #[doc(hidden)]
    pub const fn new(name: &'static str, text: &'static str) -> Self {
        Self { name, text }
    }

    /// The module path and name of the declared type, e.g.
    /// `my_api::scopes::PriceWrite`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The requirement as written in the declaration.
    pub fn text(&self) -> &'static str {
        self.text
    }

    /// The parsed requirement.
    pub fn requirement(&self) -> Result<Requirement, RequirementError> {
        Requirement::parse(self.text)
    }
}

inventory::collect!(DeclaredRequirement);

/// Every requirement declared with [`scope!`](crate::scope!) in the program,
/// ordered by name.
pub fn declared_requirements() -> impl Iterator<Item = &'static DeclaredRequirement> {
    DECLARED.listed.iter().copied()
}

/// The declarations, listed and parsed once.
struct Declared {
    listed: Vec<&'static DeclaredRequirement>,
    parsed: Vec<Requirement>,
}

static DECLARED: LazyLock<Declared> = LazyLock::new(|| {
    let mut listed: Vec<&'static DeclaredRequirement> = inventory::iter::<DeclaredRequirement>().collect();
    listed.sort_by_key(|declared| (declared.name, declared.text));
    listed.dedup();
    let parsed = listed
        .iter()
        .filter_map(|declared| match declared.requirement() {
            Ok(requirement) => Some(requirement),
            Err(error) => {
                tracing::error!(name = declared.name, %error, "a scope! declaration does not parse");
                None
            }
        })
        .collect();
    Declared { listed, parsed }
});

/// A set of distinct requirements with a fixed capacity.
#[derive(Debug)]
struct Recorded {
    requirements: HashSet<Requirement>,
    capacity: usize,
    full: bool,
}

impl Recorded {
    fn new(capacity: usize) -> Self {
        Self {
            requirements: HashSet::new(),
            capacity,
            full: false,
        }
    }

    /// Adds `requirement`; `false` when it is new and the set is full.
    fn insert(&mut self, requirement: &Requirement) -> bool {
        if self.requirements.contains(requirement) {
            return true;
        }
        if self.requirements.len() >= self.capacity {
            if !self.full {
                self.full = true;
                tracing::warn!(
                    capacity = self.capacity,
                    "too many distinct scope requirements recorded: later ones are left out of the used scopes"
                );
            }
            return false;
        }
        self.requirements.insert(requirement.clone());
        true
    }
}

static RECORDED: LazyLock<Mutex<Recorded>> = LazyLock::new(|| Mutex::new(Recorded::new(MAX_RECORDED)));

/// Records that the program uses `requirement`.
///
/// The constructors of the `RequireScope` layers and middleware call it, so
/// their requirements are listed by [`used_requirements`]; call it for
/// requirements checked some other way (e.g. with
/// [`ScopePolicy::check`](crate::ScopePolicy::check) in a handler).
pub fn record(requirement: &Requirement) {
    RECORDED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(requirement);
}

/// Every requirement the program uses: those of `#[requires_scope]`
/// handlers, of [`scope!`](crate::scope!) declarations, and those
/// [`record`]ed (by `RequireScope` constructors among others), each once,
/// ordered by their string form.
///
/// Layers are recorded when they are constructed: call it after the routes
/// are built.
pub fn used_requirements() -> Vec<Requirement> {
    let mut used: HashSet<Requirement> = RECORDED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .requirements
        .clone();
    used.extend(DECLARED.parsed.iter().cloned());
    used.extend(
        registered_requirements()
            .filter_map(|registered| registered.requirement().ok())
            .cloned(),
    );
    let mut used: Vec<Requirement> = used.into_iter().collect();
    used.sort_by_cached_key(ToString::to_string);
    used
}

/// What a scope list says of template scopes such as `transaction-{tx}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TemplateScopes {
    /// Leave them out: they are not scopes a client can ask for as written.
    #[default]
    Omit,
    /// List their fixed prefix (`transaction-` for `transaction-{tx}`), for
    /// authorization servers that issue prefix scopes (e.g. Curity). A
    /// template that starts with its placeholder adds nothing.
    FixedPrefix,
}

/// Every scope of `requirements`, sorted and without duplicates; templates
/// as `templates` says.
///
/// ```
/// use scopeguard_core::Requirement;
/// use scopeguard_core::inventory::usage::{TemplateScopes, scopes_of};
///
/// let requirements = [
///     Requirement::parse("any(report:read, inventory:sales)").unwrap(),
///     Requirement::parse("all(report:read, transaction-{tx})").unwrap(),
/// ];
/// assert_eq!(scopes_of(&requirements, TemplateScopes::Omit), ["inventory:sales", "report:read"]);
/// assert_eq!(
///     scopes_of(&requirements, TemplateScopes::FixedPrefix),
///     ["inventory:sales", "report:read", "transaction-"],
/// );
/// ```
pub fn scopes_of<'a>(
    requirements: impl IntoIterator<Item = &'a Requirement>,
    templates: TemplateScopes,
) -> Vec<String> {
    let mut scopes = Vec::new();
    for requirement in requirements {
        scopes.extend(requirement.scopes().map(|scope| scope.as_str().to_owned()));
        if templates == TemplateScopes::FixedPrefix {
            scopes.extend(
                requirement
                    .templates()
                    .map(crate::ScopeTemplate::fixed_prefix)
                    .filter(|prefix| !prefix.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    scopes.sort_unstable();
    scopes.dedup();
    scopes
}

/// Every scope the program's requirements name ([`used_requirements`]),
/// sorted and without duplicates; templates as `templates` says.
pub fn used_scopes(templates: TemplateScopes) -> Vec<String> {
    scopes_of(&used_requirements(), templates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirement(text: &str) -> Requirement {
        Requirement::parse(text).expect("a valid requirement")
    }

    #[test]
    fn a_recorded_set_keeps_each_requirement_once() {
        let mut recorded = Recorded::new(2);
        assert!(recorded.insert(&requirement("order:item")));
        assert!(recorded.insert(&requirement("order:item")));
        assert_eq!(recorded.requirements.len(), 1);
    }

    #[test]
    fn a_full_recorded_set_refuses_new_requirements_but_knows_old_ones() {
        let mut recorded = Recorded::new(2);
        assert!(recorded.insert(&requirement("a")));
        assert!(recorded.insert(&requirement("b")));
        assert!(!recorded.insert(&requirement("c")));
        assert!(!recorded.insert(&requirement("d")));
        assert!(recorded.insert(&requirement("a")));
        assert_eq!(recorded.requirements.len(), 2);
        assert!(recorded.full);
    }

    crate::scope!(DeclaredInAModule = all("usage-test:declared", "usage-test:tx-{tx}"));

    #[test]
    fn a_scope_declaration_is_listed_by_name() {
        let declared: Vec<_> = declared_requirements()
            .filter(|declared| declared.name().ends_with("usage::tests::DeclaredInAModule"))
            .collect();
        assert_eq!(declared.len(), 1);
        assert_eq!(
            declared[0].text(),
            r#"all("usage-test:declared", "usage-test:tx-{tx}")"#
        );
        assert_eq!(
            declared[0].requirement(),
            Ok(requirement("all(usage-test:declared, usage-test:tx-{tx})"))
        );
    }

    #[test]
    fn a_scope_declared_in_a_function_body_is_used() {
        crate::scope!(InABody = "usage-test:in-a-body");
        assert!(used_scopes(TemplateScopes::Omit).contains(&"usage-test:in-a-body".to_owned()));
    }

    #[test]
    fn used_scopes_leave_templates_out_unless_asked_for_their_prefix() {
        let omitted = used_scopes(TemplateScopes::Omit);
        assert!(omitted.contains(&"usage-test:declared".to_owned()));
        assert!(!omitted.iter().any(|scope| scope.starts_with("usage-test:tx-")));

        let prefixes = used_scopes(TemplateScopes::FixedPrefix);
        assert!(prefixes.contains(&"usage-test:tx-".to_owned()));
        assert!(!prefixes.iter().any(|scope| scope.contains('{')));
    }

    #[test]
    fn a_recorded_requirement_is_used() {
        record(&requirement("any(usage-test:recorded, usage-test:other)"));
        let used = used_requirements();
        assert!(used.contains(&requirement("any(usage-test:recorded, usage-test:other)")));
        let scopes = used_scopes(TemplateScopes::Omit);
        assert!(scopes.contains(&"usage-test:recorded".to_owned()));
        assert!(scopes.contains(&"usage-test:other".to_owned()));
    }

    #[test]
    fn used_scopes_are_sorted_and_distinct() {
        record(&requirement("usage-test:b"));
        record(&requirement("all(usage-test:b, usage-test:a)"));
        let scopes = used_scopes(TemplateScopes::FixedPrefix);
        let mut sorted = scopes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(scopes, sorted);
    }

    #[test]
    fn a_template_that_starts_with_its_placeholder_has_no_prefix_to_list() {
        let requirements = [requirement("{tx}-approval")];
        assert!(scopes_of(&requirements, TemplateScopes::FixedPrefix).is_empty());
    }
}
