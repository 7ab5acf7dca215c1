//! Implication rules `p ⇒ [scopes]` and their transitive closure (SPEC §2.3 rule 4).

use super::ScopePolicy;
use super::matching::covered_by_shape;
use crate::scopes::shape::LengthSet;
use crate::{GrantedScopes, Scope};

/// One implication rule after compilation: when a granted set covers
/// `premise`, every scope of `implied` is granted too. `implied` already holds
/// the conclusions of every rule this one fires transitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompiledImplication {
    pub(crate) premise: Scope,
    pub(crate) implied: Box<[Scope]>,
}

/// Compiles rules into their transitive form.
///
/// Rule `j` fires after rule `i` when a conclusion of `i` covers the premise of
/// `j`. Coverage of one scope is always by one scope, so the scopes a granted
/// set gains are exactly the conclusions of every rule reachable from the
/// rules whose premise it covers directly. Cycles are harmless.
pub(crate) fn compile(policy: &ScopePolicy, rules: &[(Scope, Vec<Scope>)]) -> Vec<CompiledImplication> {
    let fires_next: Vec<Vec<usize>> = rules
        .iter()
        .map(|(_, conclusions)| {
            rules
                .iter()
                .enumerate()
                .filter(|(_, (premise, _))| {
                    let premise = policy.classify_scope(premise);
                    conclusions
                        .iter()
                        .any(|conclusion| policy.covers(conclusion.as_str(), &premise))
                })
                .map(|(index, _)| index)
                .collect()
        })
        .collect();

    (0..rules.len())
        .map(|start| {
            let mut reached = vec![false; rules.len()];
            let mut pending = vec![start];
            reached[start] = true;
            while let Some(rule) = pending.pop() {
                for &next in &fires_next[rule] {
                    if !reached[next] {
                        reached[next] = true;
                        pending.push(next);
                    }
                }
            }
            let mut implied: Vec<Scope> = reached
                .iter()
                .enumerate()
                .filter(|(_, reached)| **reached)
                .flat_map(|(index, _)| rules[index].1.iter().cloned())
                .collect();
            implied.sort();
            implied.dedup();
            CompiledImplication {
                premise: rules[start].0.clone(),
                implied: implied.into_boxed_slice(),
            }
        })
        .collect()
}

impl ScopePolicy {
    /// The conclusions of the rules a granted set fires, rule by rule.
    pub(crate) fn fired<'p>(&'p self, granted: &'p GrantedScopes) -> impl Iterator<Item = &'p [Scope]> + 'p {
        self.implications.iter().filter_map(move |rule| {
            let premise = self.classify_scope(&rule.premise);
            self.covered_directly(granted, &premise).then_some(&*rule.implied)
        })
    }

    /// Whether a rule fired by the granted set grants a scope that satisfies
    /// `satisfies`; only scopes starting with `prefix` can.
    ///
    /// The conclusions are looked at first: they usually do not satisfy, and
    /// the sorted set of every conclusion tells so with a binary search. The
    /// granted set is searched for a premise only when a conclusion does.
    pub(crate) fn implied_scope(
        &self,
        granted: &GrantedScopes,
        prefix: &str,
        satisfies: impl Fn(&str) -> bool,
    ) -> bool {
        self.implied.any_candidate(prefix, LengthSet::ALL, &satisfies)
            && self.implications.iter().any(|rule| {
                rule.implied.iter().any(|scope| satisfies(scope.as_str()))
                    && self.covered_directly(granted, &self.classify_scope(&rule.premise))
            })
    }

    /// Whether the granted set, closed under the implication rules, covers `required`.
    ///
    /// Under the default grammar, a small granted set is checked in one
    /// pass against the shape the scope recorded when it was made. Otherwise
    /// an exact grant is looked for first, then the scope is classified and
    /// the hierarchy walked. The rules are looked at only when those fail.
    pub(crate) fn covered(&self, granted: &GrantedScopes, required: &Scope) -> bool {
        let direct = match (
            self.default_grammar,
            required.default_shape(),
            granted.small_scan(),
        ) {
            (true, Some(shape), Some(scopes)) => {
                covered_by_shape(scopes, required.as_str().as_bytes(), shape)
            }
            _ => {
                granted.contains(required.as_str())
                    || self.covered_directly(granted, &self.classify_scope(required))
            }
        };
        direct
            || (!self.implications.is_empty() && {
                let required = self.classify_scope(required);
                self.implied_scope(granted, required.candidate_prefix(), |scope| {
                    self.covers(scope, &required)
                })
            })
    }

    /// The granted set closed under the implication rules: the scopes a
    /// token effectively has.
    ///
    /// ```
    /// use scopeguard_core::{GrantedScopes, ScopePolicy};
    ///
    /// let policy = ScopePolicy::builder().implies("admin:write", ["user:write"]).build().unwrap();
    /// let granted: GrantedScopes = "admin".parse().unwrap();
    /// assert_eq!(policy.effective_scopes(&granted).to_string(), "admin user:write");
    /// ```
    pub fn effective_scopes(&self, granted: &GrantedScopes) -> GrantedScopes {
        let implied: GrantedScopes = self
            .fired(granted)
            .flat_map(|implied| implied.iter().cloned())
            .collect();
        granted.union(&implied)
    }
}
