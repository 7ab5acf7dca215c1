//! The scope catalogue: every scope the API knows, with a description
//! (SPEC §6).
//!
//! Declared in code, next to the routes. A unit test compares it with the
//! scopes the routes require, so a typo in a requirement (`oder:item`) is
//! caught before it ships; the descriptions go into the `OpenAPI` document
//! (feature `utoipa`).
//!
//! ```standalone_crate
//! use scopeguard_core::inventory::catalogue::ScopeCatalogue;
//! use scopeguard_core::inventory::usage::{TemplateScopes, used_scopes};
//! use scopeguard_core::scope;
//!
//! scope!(OrderItems = "order:item");
//! scope!(SetPrice = "inventory:price.write");
//! scope!(Approve = "transaction-{tx}");
//!
//! fn catalogue() -> ScopeCatalogue {
//!     ScopeCatalogue::new()
//!         .scope("order:item", "Read the items of an order")
//!         .scope("inventory:price.write", "Change prices")
//!         .scope("transaction-", "Approve one transaction: transaction-<id>")
//! }
//!
//! // In a test, once the routes are built:
//! let missing = catalogue().missing(used_scopes(TemplateScopes::FixedPrefix));
//! assert!(missing.is_empty(), "scopes required but not catalogued: {missing:?}");
//!
//! // A typo in a requirement is a scope the catalogue lacks.
//! assert_eq!(catalogue().missing(["inventroy:price.write", "order:item"]), ["inventroy:price.write"]);
//! ```

use std::collections::BTreeMap;
use std::fmt;

use crate::{Scope, ScopeError};

/// Scopes and their descriptions, ordered by scope.
///
/// A key is a scope token (RFC 6749 §3.3): a scope, the fixed prefix of a
/// template scope (`transaction-`), or a template as written
/// (`transaction-{tx}`).
#[derive(Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct ScopeCatalogue {
    entries: BTreeMap<Scope, String>,
}

impl ScopeCatalogue {
    /// An empty catalogue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `scope` with its description, replacing an earlier description.
    ///
    /// # Panics
    ///
    /// Panics when `scope` breaks the scope grammar: the catalogue is written
    /// in code, so this is a programming error. Use
    /// [`try_scope`](Self::try_scope) for catalogues read from configuration.
    pub fn scope(self, scope: &str, description: impl Into<String>) -> Self {
        match self.try_scope(scope, description) {
            Ok(catalogue) => catalogue,
            Err(error) => panic!("invalid scope in the scope catalogue: {error}"),
        }
    }

    /// Adds `scope` with its description, or says why `scope` is not a scope.
    ///
    /// ```
    /// use scopeguard_core::inventory::catalogue::ScopeCatalogue;
    ///
    /// assert!(ScopeCatalogue::new().try_scope("order item", "two scopes").is_err());
    /// ```
    pub fn try_scope(mut self, scope: &str, description: impl Into<String>) -> Result<Self, ScopeError> {
        let scope = Scope::new(scope.to_owned())?;
        self.entries.insert(scope, description.into());
        Ok(self)
    }

    /// The description of `scope`, if catalogued.
    pub fn description(&self, scope: &str) -> Option<&str> {
        self.entries.get(scope).map(String::as_str)
    }

    /// Whether `scope` is catalogued.
    pub fn contains(&self, scope: &str) -> bool {
        self.entries.contains_key(scope)
    }

    /// The scopes and their descriptions, ordered by scope.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.entries
            .iter()
            .map(|(scope, description)| (scope.as_str(), description.as_str()))
    }

    /// How many scopes are catalogued.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is catalogued.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The scopes of `required` that the catalogue lacks (typos, or scopes
    /// nobody described), sorted and without duplicates.
    ///
    /// ```
    /// use scopeguard_core::inventory::catalogue::ScopeCatalogue;
    ///
    /// let catalogue = ScopeCatalogue::new().scope("order:item", "Read order items");
    /// assert_eq!(catalogue.missing(["order:item", "oder:item"]), ["oder:item"]);
    /// ```
    pub fn missing<I>(&self, required: I) -> Vec<String>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut missing: Vec<String> = required
            .into_iter()
            .filter(|scope| !self.contains(scope.as_ref()))
            .map(|scope| scope.as_ref().to_owned())
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }
}

impl fmt::Debug for ScopeCatalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<S: AsRef<str>, D: Into<String>> FromIterator<(S, D)> for ScopeCatalogue {
    /// A catalogue of `(scope, description)` pairs.
    ///
    /// # Panics
    ///
    /// Panics when a scope breaks the scope grammar, as
    /// [`scope`](Self::scope) does.
    fn from_iter<T: IntoIterator<Item = (S, D)>>(entries: T) -> Self {
        entries
            .into_iter()
            .fold(Self::new(), |catalogue, (scope, description)| {
                catalogue.scope(scope.as_ref(), description)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> ScopeCatalogue {
        ScopeCatalogue::new()
            .scope("order:item", "Read the items of an order")
            .scope("inventory:price", "Read prices")
            .scope("transaction-", "Approve one transaction")
    }

    #[test]
    fn the_catalogue_check_reports_a_typo_in_a_required_scope() {
        let required = ["order:item", "inventory:prcie", "transaction-"];
        assert_eq!(catalogue().missing(required), ["inventory:prcie"]);
    }

    #[test]
    fn the_catalogue_check_reports_each_missing_scope_once_in_order() {
        let required = vec![
            "z:z".to_owned(),
            "a:a".to_owned(),
            "z:z".to_owned(),
            "order:item".to_owned(),
        ];
        assert_eq!(catalogue().missing(&required), ["a:a", "z:z"]);
    }

    #[test]
    fn the_catalogue_check_matches_scopes_exactly() {
        // `order` covers `order:item` when granted, but the catalogue is a
        // list of names: a parent scope does not describe its children.
        let catalogue = ScopeCatalogue::new().scope("order", "Everything about orders");
        assert_eq!(
            catalogue.missing(["order:item", "Order"]),
            ["Order", "order:item"]
        );
    }

    #[test]
    fn a_catalogued_scope_has_its_description() {
        let catalogue = catalogue().scope("order:item", "Items");
        assert_eq!(catalogue.description("order:item"), Some("Items"));
        assert_eq!(catalogue.description("order"), None);
        assert_eq!(catalogue.len(), 3);
        let scopes: Vec<&str> = catalogue.iter().map(|(scope, _)| scope).collect();
        assert_eq!(scopes, ["inventory:price", "order:item", "transaction-"]);
    }

    #[test]
    fn a_scope_that_breaks_the_grammar_is_refused() {
        assert_eq!(
            ScopeCatalogue::new()
                .try_scope("say \"hi\"", "quoted")
                .unwrap_err(),
            Scope::new("say \"hi\"").unwrap_err()
        );
        assert!(ScopeCatalogue::new().try_scope("", "empty").is_err());
    }

    #[test]
    #[should_panic(expected = "invalid scope in the scope catalogue")]
    fn a_scope_that_breaks_the_grammar_panics_in_the_builder() {
        let _ = ScopeCatalogue::new().scope("two words", "a typo");
    }

    #[test]
    fn a_catalogue_collects_from_pairs() {
        let catalogue: ScopeCatalogue = [("b", "B"), ("a", "A")].into_iter().collect();
        assert_eq!(catalogue.iter().collect::<Vec<_>>(), [("a", "A"), ("b", "B")]);
    }
}
