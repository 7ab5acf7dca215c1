//! The scope decision: does a granted set satisfy a requirement (SPEC §2.3,
//! §2.4, §4).
//!
//! ```
//! use scopeguard_core::{GrantedScopes, Requirement, ScopeDenial, ScopePolicy};
//!
//! let policy = ScopePolicy::default();
//! let granted: GrantedScopes = "transaction-42 inventory".parse().unwrap();
//! let approve = Requirement::parse("transaction-{tx}").unwrap();
//!
//! assert!(policy.check(&granted, &approve, &[("tx", "42")]).is_ok());
//! assert_eq!(
//!     policy.check(&granted, &approve, &[("tx", "7")]),
//!     Err(ScopeDenial::InsufficientScope { scope: Some("transaction-7".into()) }),
//! );
//! ```

use crate::scopes::requirement::{Expr, PathParams, Requirement};
use crate::scopes::shape::LengthSet;
use crate::{GrantedScopes, ScopePolicy};

/// Why a requirement is not met.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeDenial {
    /// The granted scopes do not satisfy the requirement: 403
    /// `insufficient_scope`.
    #[error("insufficient scope")]
    InsufficientScope {
        /// The value of the challenge's `scope` attribute: every scope of an
        /// `all(...)`, the first alternative of an `any(...)`, templates
        /// filled in; `None` when a filled template is not a valid scope.
        scope: Option<String>,
    },
    /// A template names a path parameter the route does not have: a
    /// configuration error (500), never an allow.
    #[error("the route has no path parameter `{name}` required by a template scope")]
    MissingParameter {
        /// The parameter's name.
        name: String,
    },
}

impl ScopeDenial {
    /// A stable label for this kind of denial.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::InsufficientScope { .. } => "insufficient_scope",
            Self::MissingParameter { .. } => "missing_template_parameter",
        }
    }
}

impl ScopePolicy {
    /// Checks the scopes of `requirement` against `granted`, filling template
    /// scopes from `params`. Step-up options are not checked here.
    ///
    /// Allocates nothing when the requirement is met.
    pub fn check(
        &self,
        granted: &GrantedScopes,
        requirement: &Requirement,
        params: &(impl PathParams + ?Sized),
    ) -> Result<(), ScopeDenial> {
        if requirement.has_templates()
            && let Some(name) = missing_parameter(requirement.expr(), params)
        {
            return Err(ScopeDenial::MissingParameter {
                name: name.to_owned(),
            });
        }
        let satisfied = match requirement.expr() {
            // The common requirement, one scope, skips the walk of the tree.
            Expr::Scope(scope) => self.covered(granted, scope),
            expr => self.satisfies(granted, expr, params),
        };
        if satisfied {
            Ok(())
        } else {
            Err(ScopeDenial::InsufficientScope {
                scope: challenge_scope(requirement.expr(), params),
            })
        }
    }

    fn satisfies(&self, granted: &GrantedScopes, expr: &Expr, params: &(impl PathParams + ?Sized)) -> bool {
        match expr {
            Expr::Scope(scope) => self.covered(granted, scope),
            // A filled template is granted exactly: only the granted scopes
            // that start with its fixed prefix can be equal to it.
            Expr::Template(template) => {
                granted.any_candidate(template.fixed_prefix(), LengthSet::ALL, |scope| {
                    template.matches_filled(scope, params)
                }) || self.implied_scope(granted, template.fixed_prefix(), |scope| {
                    template.matches_filled(scope, params)
                })
            }
            Expr::All(exprs) => exprs.iter().all(|expr| self.satisfies(granted, expr, params)),
            Expr::Any(exprs) => exprs.iter().any(|expr| self.satisfies(granted, expr, params)),
        }
    }
}

/// The first template parameter, depth first, that `params` does not supply.
fn missing_parameter<'e>(expr: &'e Expr, params: &(impl PathParams + ?Sized)) -> Option<&'e str> {
    match expr {
        Expr::Scope(_) => None,
        Expr::Template(template) => template.missing_parameter(params),
        Expr::All(exprs) | Expr::Any(exprs) => exprs.iter().find_map(|expr| missing_parameter(expr, params)),
    }
}

/// The `scope` attribute for a denial of `expr` (SPEC §4).
fn challenge_scope(expr: &Expr, params: &(impl PathParams + ?Sized)) -> Option<String> {
    fn collect(expr: &Expr, params: &(impl PathParams + ?Sized), scopes: &mut Vec<String>) -> Option<()> {
        match expr {
            Expr::Scope(scope) => scopes.push(scope.as_str().to_owned()),
            Expr::Template(template) => scopes.push(template.fill(params).ok()?.as_str().to_owned()),
            Expr::All(exprs) => exprs.iter().try_for_each(|expr| collect(expr, params, scopes))?,
            Expr::Any(exprs) => collect(exprs.first()?, params, scopes)?,
        }
        Some(())
    }
    let mut scopes = Vec::new();
    collect(expr, params, &mut scopes)?;
    let mut seen = std::collections::HashSet::new();
    scopes.retain(|scope| seen.insert(scope.clone()));
    Some(scopes.join(" "))
}
