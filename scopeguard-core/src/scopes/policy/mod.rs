//! When a granted set satisfies a required scope (SPEC §2.3).
//!
//! The default [`ScopePolicy`]:
//!
//! 1. **Exact**: a granted scope equal to the required one, byte for byte.
//! 2. **Opaque** scopes (containing `://` or starting with `urn:`) match
//!    exactly and nothing else.
//! 3. **Hierarchy**: other scopes split into a path (segments separated by
//!    `:`) and a level (`write` when the scope ends with `.write`, else
//!    `read`). A granted scope covers a required one when its path is a
//!    segment-wise prefix of the required path and its level is at least the
//!    required level. A scope with an empty segment matches exactly only.
//! 4. **Implications** (optional): `p ⇒ [scopes]` rules, applied transitively
//!    whenever the granted set covers `p`.
//! 5. **Exact-only mode** (optional): rules 1 and 4 only.
//!
//! ```
//! use scopeguard_core::{GrantedScopes, Requirement, ScopePolicy};
//!
//! let policy = ScopePolicy::default();
//! let granted: GrantedScopes = "order inventory.write".parse().unwrap();
//!
//! for allowed in ["order:item", "order:shipping:status", "inventory:price.write"] {
//!     assert!(policy.check(&granted, &Requirement::parse(allowed).unwrap(), &()).is_ok());
//! }
//! assert!(policy.check(&granted, &Requirement::parse("orders:item").unwrap(), &()).is_err());
//! ```

pub mod decision;
mod implication;
mod matching;

use implication::CompiledImplication;

use crate::scopes::scope::{ScopeError, validate};
pub use crate::scopes::shape::{DEFAULT_SEPARATOR, DEFAULT_WRITE_SUFFIX};
use crate::{GrantedScopes, Scope};

/// Whether the hierarchy rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Matching {
    /// Rules 1–4 of SPEC §2.3: exact, opaque, hierarchy, implications.
    #[default]
    Hierarchical,
    /// Rules 1 and 4: exact matches and implications only, for identity
    /// providers whose scope names were not designed as a hierarchy.
    ExactOnly,
}

/// How granted scopes are matched against required scopes.
///
/// Matching is a pure function of (policy, granted set, requirement) and does
/// not allocate when a requirement is satisfied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopePolicy {
    matching: Matching,
    separator: Box<str>,
    write_suffix: Box<str>,
    implications: Vec<CompiledImplication>,
    /// Every scope some rule grants, to tell at a glance that no rule can
    /// satisfy a requirement.
    implied: GrantedScopes,
    /// Hierarchical with the default separator and suffix: the shape every
    /// [`Scope`] records is this policy's.
    default_grammar: bool,
}

impl Default for ScopePolicy {
    /// Hierarchical matching with `:` segments, the `.write` suffix and no
    /// implications.
    fn default() -> Self {
        Self {
            matching: Matching::Hierarchical,
            separator: DEFAULT_SEPARATOR.into(),
            write_suffix: DEFAULT_WRITE_SUFFIX.into(),
            implications: Vec::new(),
            implied: GrantedScopes::empty(),
            default_grammar: true,
        }
    }
}

impl ScopePolicy {
    /// A builder starting from the default policy.
    pub fn builder() -> ScopePolicyBuilder {
        ScopePolicyBuilder::default()
    }

    /// The policy with hierarchy off: exact matches (and implications) only.
    pub fn exact_only() -> Self {
        Self {
            matching: Matching::ExactOnly,
            default_grammar: false,
            ..Self::default()
        }
    }

    /// Whether the hierarchy rules apply.
    pub fn matching(&self) -> Matching {
        self.matching
    }

    /// The separator between path segments.
    pub fn separator(&self) -> &str {
        &self.separator
    }

    /// The suffix that marks write access.
    pub fn write_suffix(&self) -> &str {
        &self.write_suffix
    }
}

/// Builds a [`ScopePolicy`], reporting every configuration problem at once.
///
/// ```
/// use scopeguard_core::ScopePolicy;
///
/// let policy = ScopePolicy::builder()
///     .implies("admin:write", ["user:write"])
///     .build()
///     .unwrap();
/// assert!(policy.scope_covers("order", "order:item"));
///
/// let problems = ScopePolicy::builder()
///     .separator("")
///     .implies("bad scope", ["ok"])
///     .build()
///     .unwrap_err();
/// assert_eq!(problems.problems().len(), 2);
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ScopePolicyBuilder {
    matching: Matching,
    separator: Option<String>,
    write_suffix: Option<String>,
    implications: Vec<(String, Vec<String>)>,
}

impl ScopePolicyBuilder {
    /// Turns the hierarchy off (rules 1 and 4 only).
    pub fn exact_only(mut self) -> Self {
        self.matching = Matching::ExactOnly;
        self
    }

    /// Sets the matching mode.
    pub fn matching(mut self, matching: Matching) -> Self {
        self.matching = matching;
        self
    }

    /// Sets the separator between path segments (default `:`).
    pub fn separator(mut self, separator: impl Into<String>) -> Self {
        self.separator = Some(separator.into());
        self
    }

    /// Sets the suffix that marks write access (default `.write`).
    pub fn write_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.write_suffix = Some(suffix.into());
        self
    }

    /// Adds the rule `premise ⇒ implied`: a granted set that covers `premise`
    /// also grants every scope of `implied`.
    pub fn implies<I>(mut self, premise: impl Into<String>, implied: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.implications
            .push((premise.into(), implied.into_iter().map(Into::into).collect()));
        self
    }

    /// Validates the configuration and builds the policy.
    pub fn build(self) -> Result<ScopePolicy, PolicyError> {
        let mut problems = Vec::new();
        let mut setting = |name: &'static str, value: Option<String>, default: &str| {
            let value = value.unwrap_or_else(|| default.to_owned());
            if let Err(error) = validate(&value) {
                problems.push(PolicyProblem::InvalidSetting { setting: name, error });
            }
            value.into_boxed_str()
        };
        let separator = setting("separator", self.separator, DEFAULT_SEPARATOR);
        let write_suffix = setting("write_suffix", self.write_suffix, DEFAULT_WRITE_SUFFIX);

        let mut rules = Vec::with_capacity(self.implications.len());
        for (rule, (premise, implied)) in self.implications.into_iter().enumerate() {
            let mut scope = |text: String| {
                Scope::new(text)
                    .map_err(|error| problems.push(PolicyProblem::InvalidImplication { rule, error }))
                    .ok()
            };
            let premise = scope(premise);
            let implied: Vec<Option<Scope>> = implied.into_iter().map(&mut scope).collect();
            if let (Some(premise), Some(implied)) = (premise, implied.into_iter().collect::<Option<Vec<_>>>())
            {
                rules.push((premise, implied));
            }
        }

        if !problems.is_empty() {
            return Err(PolicyError { problems });
        }
        let default_grammar = self.matching == Matching::Hierarchical
            && *separator == *DEFAULT_SEPARATOR
            && *write_suffix == *DEFAULT_WRITE_SUFFIX;
        let mut policy = ScopePolicy {
            default_grammar,
            matching: self.matching,
            separator,
            write_suffix,
            implications: Vec::new(),
            implied: rules
                .iter()
                .flat_map(|(_, implied)| implied.iter().cloned())
                .collect(),
        };
        policy.implications = implication::compile(&policy, &rules);
        Ok(policy)
    }
}

/// One problem in a [`ScopePolicyBuilder`] configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyProblem {
    /// The separator or write suffix is not a valid non-empty scope fragment.
    #[error("policy setting `{setting}` is invalid: {error}")]
    InvalidSetting {
        /// `separator` or `write_suffix`.
        setting: &'static str,
        /// What is wrong with it.
        error: ScopeError,
    },
    /// A scope of an implication rule breaks the grammar.
    #[error("implication rule {rule} has an invalid scope: {error}")]
    InvalidImplication {
        /// Position of the rule, from 0, in the order it was added.
        rule: usize,
        /// What is wrong with the scope.
        error: ScopeError,
    },
}

/// Every problem found in a [`ScopePolicyBuilder`] configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid scope policy: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct PolicyError {
    problems: Vec<PolicyProblem>,
}

impl PolicyError {
    /// The problems, in the order they were found.
    pub fn problems(&self) -> &[PolicyProblem] {
        &self.problems
    }
}
