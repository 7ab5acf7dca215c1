//! A token's `cnf` (confirmation) member, RFC 7800: what a sender-constrained
//! token is bound to. One parse for both bindings: `jkt` (DPoP, RFC 9449
//! §6) and `x5t#S256` (mutual TLS, RFC 8705 §3.1), from JWT claims and
//! introspection answers alike.

/// The bindings of a token's `cnf`.
///
/// A member that is present with the wrong type, or a `cnf` that is not an
/// object, binds the token to nothing that exists: `Some("")`, which no key
/// or certificate matches (fail closed). Other `cnf` members are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Confirmation {
    /// `cnf.jkt`: the RFC 7638 thumbprint of the DPoP key.
    pub(crate) jkt: Option<Box<str>>,
    /// `cnf.x5t#S256`: base64url SHA-256 of the client certificate's DER.
    pub(crate) x5t_s256: Option<Box<str>>,
}

impl Confirmation {
    /// The confirmation of the claims text `claims` (one JSON object).
    pub(crate) fn of_claims(claims: &str) -> Self {
        #[derive(serde::Deserialize)]
        struct Claims {
            cnf: Option<serde_json::Value>,
        }
        // Most tokens are not bound: skip the second parse.
        if !claims.contains("\"cnf\"") {
            return Self::default();
        }
        let Ok(Claims { cnf: Some(cnf) }) = serde_json::from_str::<Claims>(claims) else {
            return Self::default();
        };
        match &cnf {
            serde_json::Value::Object(members) => Self {
                jkt: member(members, "jkt"),
                x5t_s256: member(members, "x5t#S256"),
            },
            serde_json::Value::Null => Self::default(),
            _ => Self {
                jkt: Some("".into()),
                x5t_s256: Some("".into()),
            },
        }
    }
}

fn member(members: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<Box<str>> {
    match members.get(name)? {
        serde_json::Value::String(value) => Some(value.as_str().into()),
        _ => Some("".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::Confirmation;

    #[test]
    fn both_bindings_are_read_from_one_cnf() {
        let both = Confirmation::of_claims(r#"{"cnf":{"jkt":"k","x5t#S256":"c","x5u":"ignored"}}"#);
        assert_eq!(both.jkt.as_deref(), Some("k"));
        assert_eq!(both.x5t_s256.as_deref(), Some("c"));
        let certificate = Confirmation::of_claims(r#"{"cnf":{"x5t#S256":"c"}}"#);
        assert_eq!(certificate.jkt, None);
        assert_eq!(certificate.x5t_s256.as_deref(), Some("c"));
        assert_eq!(Confirmation::of_claims(r#"{"sub":"a"}"#), Confirmation::default());
        assert_eq!(
            Confirmation::of_claims(r#"{"cnf":null}"#),
            Confirmation::default()
        );
    }

    #[test]
    fn a_binding_of_the_wrong_type_matches_nothing() {
        let numbers = Confirmation::of_claims(r#"{"cnf":{"jkt":1,"x5t#S256":["c"]}}"#);
        assert_eq!(numbers.jkt.as_deref(), Some(""));
        assert_eq!(numbers.x5t_s256.as_deref(), Some(""));
        let string = Confirmation::of_claims(r#"{"cnf":"c"}"#);
        assert_eq!(string.x5t_s256.as_deref(), Some(""));
    }
}
