//! The requirements declared with `#[requires_scope(...)]`: every one the
//! program was built with, listed for the resource metadata and the scope
//! catalogue (SPEC §6), and looked up by the macro's extractors.
//!
//! The macro checks its arguments at compile time, writes the requirement in
//! its canonical string form (the [`Display`](std::fmt::Display) form of
//! [`Requirement`]), and registers that text under an id, the FNV-1a hash of
//! the text ([`requirement_id`]). The extractor it adds to the handler carries
//! only the id in its type, so the macro works on methods as well as free
//! functions; at the first request the extractor resolves the id here.
//!
//! Resolving fails closed: an id that nothing registered, two different
//! texts that share an id, or a text that does not parse make the handler
//! answer 500 with an `error!` log
//! ([`admit_registered`](crate::request::admit_registered)), never an allow.
//!
//! ```
//! use scopeguard_core::inventory::registry::registered_requirements;
//!
//! // Every scope a `#[requires_scope]` handler of this program requires.
//! let mut scopes: Vec<String> = registered_requirements()
//!     .filter_map(|registered| registered.requirement().ok())
//!     .flat_map(|requirement| requirement.scopes().map(|scope| scope.as_str().to_owned()))
//!     .collect();
//! scopes.sort();
//! scopes.dedup();
//! ```

use std::collections::HashMap;
use std::sync::LazyLock;

#[doc(hidden)]
pub use inventory;

use crate::Requirement;

/// A requirement a `#[requires_scope(...)]` handler registered.
#[derive(Debug, PartialEq, Eq)]
pub struct RegisteredRequirement {
    id: u64,
    text: &'static str,
    handler: &'static str,
}

impl RegisteredRequirement {
    /// A registration; the macro's expansion builds these.
    #[doc(hidden)]
    pub const fn new(id: u64, text: &'static str, handler: &'static str) -> Self {
        Self { id, text, handler }
    }

    /// The id: [`requirement_id`] of the text.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The requirement's canonical string form, as
    /// [`Requirement::parse`] reads it.
    pub fn text(&self) -> &'static str {
        self.text
    }

    /// The module path and name of the handler, e.g. `my_api::routes::set_price`.
    pub fn handler(&self) -> &'static str {
        self.handler
    }

    /// The parsed requirement, shared with the handler's extractor.
    pub fn requirement(&self) -> Result<&'static Requirement, RegistryError> {
        registered_requirement(self.id)
    }
}

inventory::collect!(RegisteredRequirement);

/// The id of a requirement's canonical text: its 64-bit FNV-1a hash.
///
/// ```
/// use scopeguard_core::inventory::registry::requirement_id;
///
/// assert_eq!(requirement_id(""), 0xcbf2_9ce4_8422_2325);
/// assert_eq!(requirement_id("foobar"), 0x8594_4171_f739_67e8);
/// ```
pub const fn requirement_id(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut index = 0;
    while index < bytes.len() {
        hash ^= bytes[index] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        index += 1;
    }
    hash
}

/// Why a registered id cannot be resolved to a requirement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Nothing registered this id: the registration was lost at link time.
    #[error("no requirement is registered under id {id:#018x}")]
    Unregistered {
        /// The id looked up.
        id: u64,
    },
    /// Different texts share this id; none of them is used.
    #[error("requirements share the id {id:#018x}: {}", texts.join(" | "))]
    Collision {
        /// The shared id.
        id: u64,
        /// The texts registered under it.
        texts: Vec<&'static str>,
    },
    /// The text registered under this id is not its hash's text, or does not
    /// parse.
    #[error("the requirement `{text}` registered under id {id:#018x} is invalid: {reason}")]
    Invalid {
        /// The id.
        id: u64,
        /// The registered text.
        text: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

impl RegistryError {
    /// A stable label.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::Unregistered { .. } => "unregistered_requirement",
            Self::Collision { .. } => "requirement_id_collision",
            Self::Invalid { .. } => "invalid_registered_requirement",
        }
    }
}

/// The registrations, listed and by id.
struct Registry {
    listed: Vec<&'static RegisteredRequirement>,
    /// Sorted by id: the ids are hashes, and a binary search over a few
    /// dozen of them costs less per request than hashing the id again.
    by_id: Vec<(u64, Result<Requirement, RegistryError>)>,
}

impl Registry {
    fn build(
        entries: impl IntoIterator<Item = &'static RegisteredRequirement>,
        hash: fn(&str) -> u64,
    ) -> Self {
        let mut listed: Vec<&'static RegisteredRequirement> = entries.into_iter().collect();
        listed.sort_by_key(|entry| (entry.text, entry.handler, entry.id));
        listed.dedup();

        let mut texts: HashMap<u64, Vec<&'static str>> = HashMap::new();
        let mut by_id: HashMap<u64, Result<Requirement, RegistryError>> = HashMap::new();
        for entry in &listed {
            if hash(entry.text) == entry.id {
                let shared = texts.entry(entry.id).or_default();
                if !shared.contains(&entry.text) {
                    shared.push(entry.text);
                }
            } else {
                by_id.entry(entry.id).or_insert_with(|| {
                    Err(RegistryError::Invalid {
                        id: entry.id,
                        text: entry.text,
                        reason: "its id is not the hash of its text".to_owned(),
                    })
                });
            }
        }
        for (id, texts) in texts {
            let resolved = match texts.as_slice() {
                [text] => Requirement::parse(text).map_err(|error| RegistryError::Invalid {
                    id,
                    text,
                    reason: error.to_string(),
                }),
                _ => Err(RegistryError::Collision { id, texts }),
            };
            match by_id.get(&id) {
                Some(Err(_)) => {}
                _ => {
                    by_id.insert(id, resolved);
                }
            }
        }
        let mut by_id: Vec<_> = by_id.into_iter().collect();
        by_id.sort_unstable_by_key(|(id, _)| *id);
        for error in by_id.iter().filter_map(|(_, resolved)| resolved.as_ref().err()) {
            tracing::error!(
                reason = error.label(),
                %error,
                "a #[requires_scope] requirement cannot be used: its handlers answer 500"
            );
        }
        Self { listed, by_id }
    }

    fn resolve(&self, id: u64) -> Result<&Requirement, RegistryError> {
        match self
            .by_id
            .binary_search_by_key(&id, |(registered, _)| *registered)
        {
            Ok(found) => self.by_id[found].1.as_ref().map_err(Clone::clone),
            Err(_) => Err(RegistryError::Unregistered { id }),
        }
    }
}

static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry::build(inventory::iter::<RegisteredRequirement>, requirement_id));

/// Every requirement registered by a `#[requires_scope(...)]` handler of
/// the program, once per handler, ordered by text then handler.
///
/// This is the record of the requirements the macro enforces: the resource
/// metadata (`scopes_supported`) and the scope-catalogue check list what it
/// yields, so they cannot fall out of date.
pub fn registered_requirements() -> impl Iterator<Item = &'static RegisteredRequirement> {
    REGISTRY.listed.iter().copied()
}

/// The requirement registered under `id`, parsed once for the whole program.
pub fn registered_requirement(id: u64) -> Result<&'static Requirement, RegistryError> {
    REGISTRY.resolve(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    inventory::submit! {
        RegisteredRequirement::new(
            requirement_id("any(inventory:sales, report:read)"),
            "any(inventory:sales, report:read)",
            "scopeguard_core::inventory::registry::tests::sales",
        )
    }

    #[test]
    fn the_registry_lists_and_resolves_a_submitted_requirement() {
        let id = requirement_id("any(inventory:sales, report:read)");
        let listed: Vec<_> = registered_requirements()
            .filter(|registered| registered.id() == id)
            .collect();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            listed[0].handler(),
            "scopeguard_core::inventory::registry::tests::sales"
        );
        assert_eq!(
            registered_requirement(id),
            Ok(&Requirement::parse("any(inventory:sales, report:read)").unwrap())
        );
        assert_eq!(listed[0].requirement(), registered_requirement(id));
    }

    #[test]
    fn an_id_nothing_registered_is_an_error() {
        assert_eq!(
            registered_requirement(requirement_id("never registered")),
            Err(RegistryError::Unregistered {
                id: requirement_id("never registered")
            })
        );
    }

    static ORDER: RegisteredRequirement = RegisteredRequirement::new(7, "order:item", "api::order");
    static ORDER_AGAIN: RegisteredRequirement = RegisteredRequirement::new(7, "order:item", "api::order");
    static OTHER_ORDER: RegisteredRequirement = RegisteredRequirement::new(7, "order:item", "api::other");
    static PRICE: RegisteredRequirement =
        RegisteredRequirement::new(7, "inventory:price.write", "api::price");

    fn seven(_: &str) -> u64 {
        7
    }

    #[test]
    fn one_text_registered_by_several_handlers_resolves() {
        let registry = Registry::build([&ORDER, &OTHER_ORDER, &ORDER_AGAIN], seven);
        assert_eq!(
            registry.resolve(7),
            Ok(&Requirement::parse("order:item").unwrap())
        );
        let handlers: Vec<_> = registry.listed.iter().map(|entry| entry.handler()).collect();
        assert_eq!(handlers, ["api::order", "api::other"]);
    }

    #[test]
    fn two_texts_sharing_an_id_fail_closed() {
        let registry = Registry::build([&ORDER, &PRICE], seven);
        assert_eq!(
            registry.resolve(7),
            Err(RegistryError::Collision {
                id: 7,
                texts: vec!["inventory:price.write", "order:item"]
            })
        );
    }

    #[test]
    fn an_id_that_is_not_the_hash_of_its_text_fails_closed() {
        static TRUE_ORDER: RegisteredRequirement =
            RegisteredRequirement::new(requirement_id("order:item"), "order:item", "api::order");
        let registry = Registry::build([&ORDER], requirement_id);
        assert!(matches!(
            registry.resolve(7),
            Err(RegistryError::Invalid {
                id: 7,
                text: "order:item",
                ..
            })
        ));
        // The same text under its true id is not affected.
        let registry = Registry::build([&ORDER, &TRUE_ORDER], requirement_id);
        assert!(registry.resolve(requirement_id("order:item")).is_ok());
        assert!(registry.resolve(7).is_err());
    }

    #[test]
    fn a_registered_text_that_does_not_parse_fails_closed() {
        static BROKEN: RegisteredRequirement = RegisteredRequirement::new(7, "two words", "api::broken");
        let registry = Registry::build([&BROKEN], seven);
        assert!(matches!(
            registry.resolve(7),
            Err(RegistryError::Invalid {
                text: "two words",
                ..
            })
        ));
    }

    #[test]
    fn requirement_id_is_fnv_1a() {
        assert_eq!(requirement_id("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(requirement_id("order:item"), requirement_id("order:items"));
    }
}
