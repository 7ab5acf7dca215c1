//! Laws of the scope model (SPEC §2.1, §2.3, §2.4), checked on generated
//! inputs.

use std::ops::Range;

use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use scopeguard_core::{Expr, GrantedScopes, Requirement, Scope, ScopeDenial, ScopePolicy, ScopeTemplate};

#[path = "support/coverage.rs"]
mod coverage;
use coverage::spec_covers;

/// One byte of the scope-token grammar: printable ASCII except space, `"` and `\`.
const SCOPE_CHARS: &str = "[!#-\\[\\]-~]";
/// A scope character other than `{` and `}`.
const LITERAL_CHARS: &str = "[!#-\\[\\]-z|~]";

/// Strings matching `pattern`.
fn matching(pattern: &str) -> impl Strategy<Value = String> + use<> {
    proptest::string::string_regex(pattern).expect("valid pattern")
}

fn scope_text() -> impl Strategy<Value = String> {
    matching(&format!("{SCOPE_CHARS}{{1,12}}"))
}

/// A path segment: no separator, no write suffix, nothing opaque.
fn segment() -> impl Strategy<Value = String> {
    "[a-z0-9_-]{1,6}".prop_filter("`urn` makes a scope opaque", |segment| segment != "urn")
}

/// A hierarchical path of one to four segments, without the write suffix.
fn path() -> impl Strategy<Value = String> {
    vec(segment(), 1..5).prop_map(|segments| segments.join(":"))
}

fn opaque_scope() -> impl Strategy<Value = String> {
    prop_oneof![
        path().prop_map(|path| format!("urn:{path}")),
        (segment(), path()).prop_map(|(host, path)| format!("https://{host}.example/{path}")),
        (segment(), path()).prop_map(|(scheme, path)| format!("{scheme}://{path}")),
    ]
}

/// Scopes made to collide with one another: hierarchical ones, their write
/// forms, opaque ones, empty segments and arbitrary grammar.
fn tricky_scope() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => path(),
        2 => path().prop_map(|path| format!("{path}.write")),
        1 => opaque_scope(),
        1 => path().prop_map(|path| format!("{path}:")),
        1 => path().prop_map(|path| format!(":{path}")),
        1 => path().prop_map(|path| path.replacen(':', "::", 1)),
        1 => scope_text(),
    ]
}

const JOINERS: &[&str] = &[":", ":", "::", ":::", "/", ""];

/// Scopes whose segments run into one another: joined by `:`, `::`, `:::`
/// or `/`, with or without a write suffix, sometimes opaque.
fn separated_scope() -> impl Strategy<Value = String> {
    let joiner = proptest::sample::select(JOINERS);
    let piece = proptest::sample::select(&["a", "b", "ab", "urn", "x", ""][..]);
    let ending = proptest::sample::select(&["", "", ".write", ":write", "::write"][..]);
    let opening = proptest::sample::select(&["", "", "", "urn:", "https://", ":"][..]);
    (opening, vec((piece, joiner), 1..5), ending)
        .prop_map(|(opening, pieces, ending)| {
            let body: String = pieces
                .iter()
                .flat_map(|(piece, joiner)| [*piece, *joiner])
                .collect();
            format!("{opening}{body}{ending}")
        })
        .prop_filter("a scope is not empty", |scope| !scope.is_empty())
}

/// Policies with and without hierarchy, custom separators and suffixes, and
/// implications among `pool`.
fn policy(pool: &'static [&'static str], rules: Range<usize>) -> impl Strategy<Value = ScopePolicy> {
    let rules = vec(
        (
            proptest::sample::select(pool),
            vec(proptest::sample::select(pool), 1..3),
        ),
        rules,
    );
    // The default shape is drawn most often.
    (0..8u8, rules).prop_map(|(shape, rules)| {
        let builder = match shape {
            4 => ScopePolicy::builder().exact_only(),
            5 => ScopePolicy::builder().separator("/"),
            6 => ScopePolicy::builder().separator("::").write_suffix(":write"),
            7 => ScopePolicy::builder().write_suffix(":write"),
            _ => ScopePolicy::builder(),
        };
        rules
            .into_iter()
            .fold(builder, |builder, (premise, implied)| {
                builder.implies(premise, implied)
            })
            .build()
            .expect("valid policy")
    })
}

/// Scopes and templates that overlap, for laws about whole decisions.
const POOL: &[&str] = &[
    "a",
    "a.write",
    "a:b",
    "a:b.write",
    "a:b:c",
    "a/b",
    "a::b",
    "a:write",
    "ab",
    "b",
    "b:c.write",
    "urn:a",
    "urn:a:b",
    "https://x.example/a",
    "t-1",
    "t-",
    "order:7",
    "order",
    "1",
    "admin",
];

const TEMPLATES: &[&str] = &["t-{tx}", "order:{id}", "{tx}", "t-{tx}:{id}", "x-{absent}"];

const PARAMS: &[(&str, &str)] = &[("tx", "1"), ("id", "7")];
const BAD_PARAMS: &[(&str, &str)] = &[("tx", "1 0"), ("id", "7")];

fn granted_from(scopes: impl IntoIterator<Item = impl AsRef<str>>) -> GrantedScopes {
    GrantedScopes::from_tokens(scopes).expect("valid scopes")
}

fn pool_scope() -> impl Strategy<Value = String> {
    proptest::sample::select(POOL).prop_map(str::to_owned)
}

fn pool_set() -> impl Strategy<Value = Vec<&'static str>> {
    vec(proptest::sample::select(POOL), 0..6)
}

fn pool_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        4 => proptest::sample::select(POOL),
        1 => proptest::sample::select(TEMPLATES),
    ]
    .prop_map(|text| Expr::scope(text).expect("valid leaf"));
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 1..4).prop_map(Expr::all),
            vec(inner, 1..4).prop_map(Expr::any),
        ]
    })
}

/// A template: literal text around one or two `{name}` placeholders.
fn template_text() -> impl Strategy<Value = String> {
    let literal = || matching(&format!("{LITERAL_CHARS}{{0,6}}"));
    let name = "[A-Za-z_][A-Za-z0-9_]{0,5}";
    (
        literal(),
        name,
        literal(),
        proptest::option::of((name, literal())),
    )
        .prop_map(|(before, name, after, second)| {
            let second = second.map_or_else(String::new, |(name, literal)| format!("{{{name}}}{literal}"));
            format!("{before}{{{name}}}{after}{second}")
        })
}

/// Any leaf the syntax can hold: arbitrary scopes (quoted when needed) and
/// templates.
fn any_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        3 => matching(&format!("{LITERAL_CHARS}{{1,12}}")),
        1 => template_text(),
    ]
    .prop_map(|text| Expr::scope(&text).expect("valid leaf"));
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 1..4).prop_map(Expr::all),
            vec(inner, 1..4).prop_map(Expr::any),
        ]
    })
}

fn any_requirement() -> impl Strategy<Value = Requirement> {
    (
        any_expr(),
        proptest::option::of(any::<u64>()),
        proptest::option::of(vec(matching(&format!("{SCOPE_CHARS}{{1,8}}")), 1..3)),
    )
        .prop_map(|(expr, max_age, acr)| {
            let mut requirement = Requirement::new(expr).expect("bounded depth, no empty group");
            if let Some(seconds) = max_age {
                requirement = requirement.with_max_age(seconds);
            }
            if let Some(values) = acr {
                requirement = requirement.with_acr_values(values).expect("valid acr values");
            }
            requirement
        })
}

/// Text built from the requirement syntax's own pieces, to reach deep into
/// the parser.
fn syntax_soup() -> impl Strategy<Value = String> {
    let pieces = proptest::sample::select(
        &[
            "all(", "any(", "(", ")", ",", "=", "\"", " ", "a", "b:c", "{tx}", "{", "}", "t-", "max_age",
            "acr", "300", "-1", "\t", "é", "\\", "urn:x", "some(",
        ][..],
    );
    vec(pieces, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_scope_satisfies_itself(
        scope in prop_oneof![tricky_scope(), scope_text()],
        others in vec(tricky_scope(), 0..8),
        policy in policy(POOL, 0..4),
    ) {
        let scope = Scope::new(scope).expect("valid scope");
        let granted = granted_from(others.iter().map(String::as_str).chain([scope.as_str()]));
        prop_assert!(policy.scope_covers(scope.as_str(), scope.as_str()));
        prop_assert_eq!(policy.check(&granted, &Requirement::from(scope), &()), Ok(()));
    }

    #[test]
    fn adding_granted_scopes_never_turns_allow_into_deny(
        granted in pool_set(),
        added in pool_set(),
        expr in pool_expr(),
        policy in policy(POOL, 0..4),
        bad_value in any::<bool>(),
    ) {
        let requirement = Requirement::new(expr).expect("valid requirement");
        let params = if bad_value { BAD_PARAMS } else { PARAMS };
        let before = granted_from(&granted);
        let after = granted_from(granted.iter().chain(&added));
        if policy.check(&before, &requirement, params).is_ok() {
            prop_assert_eq!(policy.check(&after, &requirement, params), Ok(()));
        }
    }

    #[test]
    fn a_write_scope_covers_the_read_scope_of_the_same_path(
        path in path(),
        child in segment(),
        others in vec(tricky_scope(), 0..8),
    ) {
        let policy = ScopePolicy::default();
        let write = format!("{path}.write");
        let child_read = format!("{path}:{child}");
        let child_write = format!("{path}:{child}.write");
        prop_assert!(policy.scope_covers(&write, &path));
        prop_assert!(policy.scope_covers(&write, &child_read));
        prop_assert!(policy.scope_covers(&write, &child_write));
        prop_assert!(!policy.scope_covers(&path, &write));
        let granted = granted_from(others.iter().map(String::as_str).chain([write.as_str()]));
        prop_assert_eq!(policy.check(&granted, &Requirement::parse(&path).unwrap(), &()), Ok(()));
    }

    #[test]
    fn an_opaque_scope_is_covered_only_by_itself_or_an_implication(
        required in opaque_scope(),
        others in vec(tricky_scope(), 0..8),
        cut in 1usize..64,
        premise in path(),
    ) {
        // Near misses: every prefix, the write form and the scope extended.
        let prefix = &required[..cut.min(required.len() - 1)];
        let mut candidates = others;
        candidates.extend([
            prefix.to_owned(),
            format!("{required}.write"),
            format!("{required}:child"),
            format!("{prefix}.write"),
            premise.clone(),
        ]);
        candidates.retain(|scope| scope != &required);
        let granted = granted_from(&candidates);
        let requirement = Requirement::parse(&required).unwrap();
        for policy in [ScopePolicy::default(), ScopePolicy::exact_only()] {
            for scope in &candidates {
                prop_assert!(!policy.scope_covers(scope, &required), "{} covers {}", scope, required);
            }
            let denied = policy.check(&granted, &requirement, &());
            prop_assert_eq!(denied, Err(ScopeDenial::InsufficientScope { scope: Some(required.clone()) }));
            let with_it = granted.union(&granted_from([&required]));
            prop_assert_eq!(policy.check(&with_it, &requirement, &()), Ok(()));
        }
        let implying = ScopePolicy::builder().implies(premise, [required.as_str()]).build().unwrap();
        prop_assert_eq!(implying.check(&granted, &requirement, &()), Ok(()));
    }

    #[test]
    fn coverage_is_by_segments_never_by_character_prefix(
        path in path(),
        extra in "[a-z0-9_.-]{1,6}",
        tail in proptest::option::of(path()),
        write in any::<bool>(),
    ) {
        let policy = ScopePolicy::default();
        let mut required = format!("{path}{extra}");
        if let Some(tail) = tail {
            required = format!("{required}:{tail}");
        }
        if write {
            required.push_str(".write");
        }
        for granted in [path.clone(), format!("{path}.write")] {
            if granted != required {
                prop_assert!(!policy.scope_covers(&granted, &required), "{} covers {}", granted, required);
            }
        }
    }

    #[test]
    fn the_decision_is_pairwise_coverage_over_the_effective_scopes(
        granted in vec(prop_oneof![3 => pool_scope(), 1 => tricky_scope()], 0..8),
        required in prop_oneof![3 => pool_scope(), 1 => tricky_scope()],
        policy in policy(POOL, 0..6),
    ) {
        let granted = granted_from(&granted);
        let requirement = Requirement::from(Scope::new(required.clone()).unwrap());
        let expected = policy
            .effective_scopes(&granted)
            .iter()
            .any(|scope| policy.scope_covers(scope, &required));
        prop_assert_eq!(policy.check(&granted, &requirement, &()).is_ok(), expected);
    }

    #[test]
    fn an_implied_scope_covers_like_a_granted_one(
        premise in path(),
        implied in path(),
        child in segment(),
        write in any::<bool>(),
        others in vec(tricky_scope(), 0..8),
    ) {
        let conclusion = if write { format!("{implied}.write") } else { implied.clone() };
        let policy = ScopePolicy::builder().implies(premise.as_str(), [conclusion.as_str()]).build().unwrap();
        let required = Requirement::parse(&format!("{implied}:{child}")).unwrap();
        let granted = granted_from(others.iter().map(String::as_str).chain([premise.as_str()]));
        let granted_write = format!("{premise}.write");
        let through_parent = granted_from(others.iter().map(String::as_str).chain([granted_write.as_str()]));
        let without = granted.union(&granted_from([conclusion.as_str()]));
        let expected = ScopePolicy::default().check(&without, &required, &());
        prop_assert_eq!(&expected, &Ok(()));
        prop_assert_eq!(policy.check(&granted, &required, &()), Ok(()));
        prop_assert_eq!(policy.check(&through_parent, &required, &()), Ok(()));
    }

    #[test]
    fn a_template_is_granted_exactly_once_filled(
        template in template_text(),
        value in matching(&format!("{SCOPE_CHARS}{{1,6}}")),
        others in vec(tricky_scope(), 0..8),
    ) {
        let template = ScopeTemplate::new(template).unwrap();
        let params: Vec<(&str, &str)> = template.parameters().map(|name| (name, value.as_str())).collect();
        let filled = template.fill(&params).unwrap();
        let requirement = Requirement::parse(&format!("\"{}\"", template.as_str())).unwrap();
        let policy = ScopePolicy::default();
        let without = granted_from(others.iter().filter(|scope| *scope != filled.as_str()));
        prop_assert_eq!(
            policy.check(&without, &requirement, &params),
            Err(ScopeDenial::InsufficientScope { scope: Some(filled.as_str().to_owned()) })
        );
        let with = without.union(&granted_from([filled.as_str()]));
        prop_assert_eq!(policy.check(&with, &requirement, &params), Ok(()));
    }

    #[test]
    fn display_then_parse_is_the_identity_for_requirements(requirement in any_requirement()) {
        let text = requirement.to_string();
        prop_assert_eq!(Requirement::parse(&text), Ok(requirement), "{}", text);
    }

    #[test]
    fn display_then_parse_is_the_identity_for_granted_sets(scopes in vec(scope_text(), 0..12)) {
        let granted = granted_from(&scopes);
        prop_assert_eq!(GrantedScopes::from_space_delimited(&granted.to_string()), Ok(granted.clone()));
        let json = serde_json::to_string(&granted).unwrap();
        prop_assert_eq!(serde_json::from_str::<GrantedScopes>(&json).unwrap(), granted.clone());
        let array = serde_json::to_string(&scopes).unwrap();
        prop_assert_eq!(serde_json::from_str::<GrantedScopes>(&array).unwrap(), granted);
    }

    #[test]
    fn granted_sets_ignore_order_duplicates_and_extra_spaces(
        scopes in btree_set(scope_text(), 0..10),
        spaces in vec(1usize..4, 0..12),
    ) {
        let scopes: Vec<String> = scopes.into_iter().collect();
        let mut list = String::from(" ");
        for (index, scope) in scopes.iter().rev().chain(&scopes).enumerate() {
            list.push_str(scope);
            list.push_str(&" ".repeat(spaces.get(index).copied().unwrap_or(1)));
        }
        let granted = GrantedScopes::from_space_delimited(&list).unwrap();
        prop_assert_eq!(granted.iter().collect::<Vec<_>>(), scopes.iter().map(String::as_str).collect::<Vec<_>>());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_input_makes_a_parser_panic(
        text in prop_oneof![any::<String>(), "[ -~\\t\\n\\x00é]{0,40}", syntax_soup()],
    ) {
        let scope = Scope::new(text.clone());
        prop_assert_eq!(scope.is_ok(), scopeguard_core::scopes::scope::validate(&text).is_ok());
        let granted = GrantedScopes::from_space_delimited(&text);
        prop_assert_eq!(
            granted.is_ok(),
            text.bytes().all(|byte| byte == b' ' || scopeguard_core::scopes::scope::is_scope_byte(byte))
        );
        let _ = serde_json::from_str::<GrantedScopes>(&text);
        let _ = serde_json::from_str::<GrantedScopes>(&serde_json::to_string(&text).unwrap());
        let _ = serde_json::from_str::<GrantedScopes>(&serde_json::to_string(&[&text, "a"]).unwrap());
        if let Ok(requirement) = Requirement::parse(&text) {
            prop_assert_eq!(Requirement::parse(&requirement.to_string()), Ok(requirement));
        }
        if let Ok(template) = ScopeTemplate::new(text.clone()) {
            prop_assert_eq!(template.as_str(), text.as_str());
        }
    }

    #[test]
    fn the_compile_time_check_accepts_exactly_what_parses(
        text in prop_oneof![
            syntax_soup(),
            any_requirement().prop_map(|requirement| requirement.to_string()),
        ],
    ) {
        prop_assert_eq!(
            scopeguard_core::scopes::requirement::compile_time::check(&text).is_ok(),
            Requirement::parse(&text).is_ok(),
            "{}", text
        );
    }

    #[test]
    fn no_json_value_makes_the_granted_set_parser_panic(
        json in prop_oneof![
            "[\\[\\]{}\",: 0-9a-z\\\\ntrufl.-]{0,40}",
            vec(prop_oneof![any::<String>().prop_map(serde_json::Value::from), any::<i64>().prop_map(serde_json::Value::from)], 0..4)
                .prop_map(|values| serde_json::Value::Array(values).to_string()),
        ],
    ) {
        let _ = serde_json::from_str::<GrantedScopes>(&json);
    }
}

proptest! {
    // One scope against another is cheap: many cases reach the rare shapes
    // (multi-byte separators running into each other).
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn coverage_of_one_scope_is_the_spec_definition(
        granted in separated_scope(),
        other in separated_scope(),
        extension in (proptest::sample::select(JOINERS), separated_scope()),
        derived in any::<bool>(),
        (separator, suffix) in proptest::sample::select(&[
            (":", ".write"),
            ("::", ".write"),
            ("/", ".write"),
            (":", ":write"),
            ("::", ":write"),
        ][..]),
    ) {
        // Half the time the required scope extends the granted one.
        let required = if derived { format!("{granted}{}{}", extension.0, extension.1) } else { other };
        let policy = ScopePolicy::builder().separator(separator).write_suffix(suffix).build().unwrap();
        let expected = spec_covers(separator, suffix, &granted, &required);
        prop_assert_eq!(policy.scope_covers(&granted, &required), expected);
    }

    /// The default policy decides from the shape each required scope
    /// recorded and from candidates picked by length and first byte (a
    /// scan up to 16 granted scopes, a binary search beyond): the same
    /// answer as the definition, for sets on both sides of that size.
    #[test]
    fn the_default_policy_decides_as_the_definition_for_any_set_size(
        mut granted in vec(separated_scope(), 1..40),
        pick in any::<proptest::sample::Index>(),
        extension in (proptest::sample::select(JOINERS), separated_scope()),
        derived in any::<bool>(),
        other in separated_scope(),
        (cut, cut_writes) in (any::<proptest::sample::Index>(), any::<bool>()),
    ) {
        let required = if derived {
            format!("{}{}{}", pick.get(&granted), extension.0, extension.1)
        } else {
            other
        };
        // A character prefix of the required scope, with or without the
        // write suffix: sometimes a segment-wise prefix, mostly not.
        let prefix = &required[..=cut.index(required.len())];
        granted.push(if cut_writes { format!("{prefix}.write") } else { prefix.to_owned() });
        let expected = granted.iter().any(|scope| spec_covers(":", ".write", scope, &required));
        let requirement = Requirement::from(Scope::new(required).unwrap());
        let allowed = ScopePolicy::default().check(&granted_from(&granted), &requirement, &()).is_ok();
        prop_assert_eq!(allowed, expected);
    }
}
