//! Where a JWT's granted scopes come from (SPEC §2.2): the scope claim, and
//! roles mapped to scopes.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::JwtConfigProblem;
use super::claims_set::{Strings, Text};
use crate::error::InvalidToken;
use crate::{GrantedScopes, Scope};

/// The scope claims read by default, in order of preference.
pub const DEFAULT_SCOPE_CLAIMS: [&str; 2] = ["scope", "scp"];

/// The granted scopes of a scope claim: a space-delimited string or an array
/// of scope tokens. Any other JSON type, or a scope breaking the grammar,
/// makes the token invalid; no claim grants nothing.
pub(super) fn granted_scopes(claim: Option<&RawValue>) -> Result<GrantedScopes, InvalidToken> {
    claim.map_or_else(
        || Ok(GrantedScopes::empty()),
        |claim| serde_json::from_str(claim.get()).map_err(|_| InvalidToken::InvalidScopeClaim),
    )
}

/// Roles mapped to scopes (RBAC → scopes, SPEC §2.2): a claim path to the
/// token's roles and a table from role to scopes. The scopes of the token's
/// roles are added to its granted scopes; roles not in the table grant
/// nothing.
///
/// The roles claim is a string (one role) or an array of strings; any other
/// type makes the token invalid.
///
/// ```
/// use scopeguard_core::validation::jwt::RoleMapping;
///
/// let roles = RoleMapping::new("realm_access.roles")
///     .role("admin", ["admin:write", "user:write"])
///     .role("auditor", ["audit:read"]);
/// # let _ = roles;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct RoleMapping {
    path: Vec<String>,
    roles: Vec<(String, Vec<String>)>,
}

impl RoleMapping {
    /// Roles read at a dotted claim path: `roles`, or `realm_access.roles`
    /// for the member `roles` of the object claim `realm_access`.
    pub fn new(path: &str) -> Self {
        Self::at_path(path.split('.'))
    }

    /// Roles read at a claim path given segment by segment, for claim names
    /// that hold a dot (`["https://example.com/roles"]`).
    pub fn at_path<I>(segments: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Self {
            path: segments.into_iter().map(Into::into).collect(),
            roles: Vec::new(),
        }
    }

    /// Maps `role` to `scopes`. Mapping a role twice adds to its scopes.
    pub fn role<I>(mut self, role: impl Into<String>, scopes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.roles
            .push((role.into(), scopes.into_iter().map(Into::into).collect()));
        self
    }

    /// The claim path, segment by segment.
    pub fn path(&self) -> &[String] {
        &self.path
    }

    /// Checks the mapping (a path of non-empty segments, valid scopes),
    /// adding what is wrong to `problems`.
    pub(super) fn compile(self, problems: &mut Vec<JwtConfigProblem>) -> Option<CompiledRoles> {
        let before = problems.len();
        if self.path.is_empty() || self.path.iter().any(String::is_empty) {
            problems.push(JwtConfigProblem::InvalidRolePath);
        }
        let mut table: HashMap<String, Vec<Scope>> = HashMap::new();
        for (role, scopes) in self.roles {
            let mut valid = Vec::with_capacity(scopes.len());
            for scope in scopes {
                match Scope::new(scope) {
                    Ok(scope) => valid.push(scope),
                    Err(error) => problems.push(JwtConfigProblem::InvalidRoleScope {
                        role: role.clone(),
                        error,
                    }),
                }
            }
            table.entry(role).or_default().extend(valid);
        }
        (problems.len() == before).then(|| CompiledRoles {
            path: self.path.into_iter().map(String::into_boxed_str).collect(),
            table,
        })
    }
}

/// A checked [`RoleMapping`].
#[derive(Debug)]
pub(super) struct CompiledRoles {
    path: Box<[Box<str>]>,
    table: HashMap<String, Vec<Scope>>,
}

impl CompiledRoles {
    /// The top-level claim of the path.
    pub(super) fn claim(&self) -> Option<&str> {
        self.path.first().map(AsRef::as_ref)
    }

    /// The scopes the token's roles map to, given the value of the
    /// top-level claim of the path.
    pub(super) fn scopes(&self, claim: Option<&RawValue>) -> Result<Option<GrantedScopes>, InvalidToken> {
        let mut value = claim;
        for segment in self.path.iter().skip(1) {
            let Some(object) = value else { break };
            value = member(object, segment)?;
        }
        let Some(value) = value else { return Ok(None) };
        let Strings(roles) = serde_json::from_str(value.get()).map_err(|_| InvalidToken::InvalidClaim)?;
        let mut mapped = roles
            .iter()
            .filter_map(|role| self.table.get(role.as_str()))
            .flatten()
            .peekable();
        if mapped.peek().is_none() {
            return Ok(None);
        }
        Ok(Some(mapped.cloned().collect()))
    }
}

/// The member `name` of a JSON object; a value that is not an object is an
/// invalid claim.
fn member<'a>(object: &'a RawValue, name: &str) -> Result<Option<&'a RawValue>, InvalidToken> {
    struct MemberVisitor<'n> {
        name: &'n str,
    }
    impl<'de> Visitor<'de> for MemberVisitor<'_> {
        type Value = Option<&'de RawValue>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<Text<'de>>()? {
                if key.as_str() == self.name {
                    if found.replace(map.next_value::<&'de RawValue>()?).is_some() {
                        return Err(de::Error::custom("duplicate member"));
                    }
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut deserializer = serde_json::Deserializer::from_str(object.get());
    deserializer
        .deserialize_map(MemberVisitor { name })
        .map_err(|_| InvalidToken::InvalidClaim)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_owned()).unwrap()
    }

    #[test]
    fn roles_at_a_nested_path_map_to_scopes() {
        let roles = RoleMapping::new("realm_access.roles")
            .role("admin", ["admin:write"])
            .compile(&mut Vec::new())
            .unwrap();
        assert_eq!(roles.claim(), Some("realm_access"));
        let claim = raw(r#"{"roles": ["admin", "other"], "x": 1}"#);
        let scopes = roles.scopes(Some(&claim)).unwrap().unwrap();
        assert_eq!(scopes.as_space_delimited(), "admin:write");
        assert_eq!(roles.scopes(Some(&raw(r#"{"x": 1}"#))).unwrap(), None);
        assert_eq!(roles.scopes(None).unwrap(), None);
    }

    #[test]
    fn a_role_path_through_a_non_object_is_invalid() {
        let roles = RoleMapping::new("realm_access.roles")
            .compile(&mut Vec::new())
            .unwrap();
        assert_eq!(
            roles.scopes(Some(&raw(r#""admin""#))).unwrap_err(),
            InvalidToken::InvalidClaim
        );
        assert_eq!(
            roles.scopes(Some(&raw(r#"{"roles": [1]}"#))).unwrap_err(),
            InvalidToken::InvalidClaim
        );
    }

    #[test]
    fn role_mapping_problems_are_all_reported() {
        let mut problems = Vec::new();
        let compiled = RoleMapping::new("a..b")
            .role("r", ["bad scope", "ok", "worse\""])
            .compile(&mut problems);
        assert!(compiled.is_none());
        assert_eq!(problems.len(), 3);
    }
}
