//! SPEC §2.1 (grammar), §2.3 (matching), §2.4 (requirements) and the `scope`
//! attribute of §4, one named case per sentence.

use std::collections::HashMap;

use scopeguard_core::scopes::requirement::MAX_DEPTH;
use scopeguard_core::{
    AuthError, Expr, GrantedScopes, GrantedScopesError, Matching, PathParams, PolicyProblem, Requirement,
    RequirementErrorKind, Scope, ScopeDenial, ScopeError, ScopePolicy, ScopeTemplate, TemplateError,
};

fn granted(list: &str) -> GrantedScopes {
    GrantedScopes::from_space_delimited(list).expect("valid scope list")
}

fn requirement(text: &str) -> Requirement {
    Requirement::parse(text).expect("valid requirement")
}

/// Whether `policy` lets a token granting `list` through `required`
/// (no path parameters).
fn allows(policy: &ScopePolicy, list: &str, required: &str) -> bool {
    policy.check(&granted(list), &requirement(required), &()).is_ok()
}

/// Whether the default policy lets `list` through `required`.
fn default_allows(list: &str, required: &str) -> bool {
    allows(&ScopePolicy::default(), list, required)
}

/// The decision of the default policy with path parameters.
fn decide(list: &str, required: &str, params: &(impl PathParams + ?Sized)) -> Result<(), ScopeDenial> {
    ScopePolicy::default().check(&granted(list), &requirement(required), params)
}

/// The `scope` attribute of the default policy's denial.
fn denied_scope(list: &str, required: &str, params: &(impl PathParams + ?Sized)) -> Option<String> {
    match decide(list, required, params) {
        Err(ScopeDenial::InsufficientScope { scope }) => scope,
        other => panic!("{required} with {list:?} gave {other:?}, expected insufficient_scope"),
    }
}

fn parse_error(text: &str) -> (RequirementErrorKind, usize) {
    match Requirement::parse(text) {
        Ok(requirement) => panic!("{text:?} parsed as {requirement}"),
        Err(error) => (error.kind().clone(), error.at()),
    }
}

fn nested(depth: usize) -> String {
    format!("{}a{}", "all(".repeat(depth), ")".repeat(depth))
}

// §2.1 Grammar

#[test]
fn scope_token_is_printable_ascii_except_space_quote_backslash() {
    for byte in 0u8..=0x7F {
        let text = char::from(byte).to_string();
        let expected = (0x21..=0x7E).contains(&byte) && byte != b'"' && byte != b'\\';
        assert_eq!(Scope::new(text).is_ok(), expected, "byte {byte:#04x}");
    }
    assert!(Scope::new("é").is_err());
    assert!(Scope::new("urn:example:a!#$%&'()*+,-./;<=>?@[]^_`{|}~").is_ok());
}

#[test]
fn scopes_are_case_sensitive() {
    assert!(!default_allows("Order", "order"));
    assert!(!default_allows("order", "ORDER:item"));
    assert!(!default_allows("urn:example:Read", "urn:example:read"));
    assert!(default_allows("Order", "Order:item"));
}

#[test]
fn order_of_granted_scopes_is_irrelevant() {
    assert_eq!(granted("b a c"), granted("c b a"));
    assert_eq!(granted("c b a").to_string(), "a b c");
    assert!(default_allows(
        "inventory:price order",
        "all(order:item, inventory:price)"
    ));
    assert!(default_allows(
        "order inventory:price",
        "all(order:item, inventory:price)"
    ));
}

#[test]
fn duplicate_granted_scopes_are_harmless() {
    assert_eq!(granted("a a b a"), granted("a b"));
    assert_eq!(granted("a a b a").len(), 2);
    assert!(default_allows("order order", "order:item"));
}

#[test]
fn developer_scope_breaking_grammar_is_an_error() {
    assert_eq!(Scope::new(""), Err(ScopeError::Empty));
    assert!(matches!(
        Scope::new("two words"),
        Err(ScopeError::InvalidCharacter { index: 3, byte: b' ' })
    ));
    assert!(matches!(
        parse_error(r#""two words""#).0,
        RequirementErrorKind::InvalidScope(ScopeError::InvalidCharacter { .. })
    ));
    assert!(matches!(
        ScopeTemplate::new("tx {id}"),
        Err(TemplateError::Grammar(ScopeError::InvalidCharacter { .. }))
    ));
    let problems = ScopePolicy::builder()
        .implies("admin\twrite", ["user.write"])
        .build()
        .unwrap_err();
    assert!(matches!(
        problems.problems(),
        [PolicyProblem::InvalidImplication { rule: 0, .. }]
    ));
}

#[test]
#[should_panic(expected = "a scope must be printable ASCII")]
fn const_like_scope_constructor_panics_on_a_literal_breaking_grammar() {
    let literal: &'static str = String::from("inventory price").leak();
    let _ = Scope::from_static(literal);
}

#[test]
fn granted_list_breaking_grammar_invalidates_the_whole_list() {
    for (what, list) in [
        ("a tab", "order\tinventory"),
        ("a quote", "order \"inventory\""),
        ("a backslash", "order inventory\\price"),
        ("non-ASCII", "order inventaire:prix-é"),
        ("a control character", "order inventory\u{1}"),
        ("a newline", "order\ninventory"),
        ("a DEL", "order \u{7f}"),
        ("a no-break space", "order\u{a0}inventory"),
    ] {
        let error = GrantedScopes::from_space_delimited(list).expect_err(what);
        assert!(
            matches!(error, GrantedScopesError::InvalidCharacter { .. }),
            "{what}: {error:?}"
        );
        assert_eq!(error.label(), "invalid_scope_list", "{what}");
        let json = serde_json::to_string(list).unwrap();
        assert!(
            serde_json::from_str::<GrantedScopes>(&json).is_err(),
            "{what} (JSON string)"
        );
    }
    for array in [
        r#"["order", "inventory price"]"#,
        r#"["order", "a\tb"]"#,
        r#"["order", ""]"#,
    ] {
        assert!(serde_json::from_str::<GrantedScopes>(array).is_err(), "{array}");
    }
}

#[test]
fn granted_list_tolerates_runs_of_spaces_and_outer_spaces() {
    assert_eq!(
        granted("  order   inventory:price "),
        granted("order inventory:price")
    );
    assert_eq!(granted("   "), GrantedScopes::empty());
    assert_eq!(granted(""), GrantedScopes::empty());
}

// §2.3 rule 1: exact

#[test]
fn exact_match_is_byte_for_byte() {
    assert!(default_allows("order:item", "order:item"));
    assert!(default_allows(
        "https://api.example.com/x",
        "https://api.example.com/x"
    ));
    assert!(default_allows("order::item", "order::item"));
    assert!(!default_allows("order:item", "order:item2"));
    assert!(!default_allows("order:item2", "order:item"));
}

// §2.3 rule 2: opaque scopes

#[test]
fn urn_does_not_cover_urn_scope() {
    assert!(!default_allows("urn", "urn:examplecompany:product_price:update"));
    assert!(!default_allows(
        "urn:examplecompany",
        "urn:examplecompany:product_price:update"
    ));
    assert!(!default_allows(
        "urn:examplecompany:product_price",
        "urn:examplecompany:product_price:update"
    ));
}

#[test]
fn https_origin_does_not_cover_https_path_scope() {
    assert!(!default_allows(
        "https://www.examplecompany.com",
        "https://www.examplecompany.com/private_catalog.readonly"
    ));
}

#[test]
fn opaque_scope_is_covered_by_itself_only() {
    for scope in [
        "urn:examplecompany:product_price:update",
        "https://www.examplecompany.com/private_catalog.readonly",
        "api://backend/access_as_user",
    ] {
        assert!(default_allows(scope, scope), "{scope}");
    }
    assert!(!default_allows(
        "https://api.example.com/x.write",
        "https://api.example.com/x"
    ));
    assert!(!default_allows(
        "urn:example:billing.write",
        "urn:example:billing"
    ));
    let colon_write = ScopePolicy::builder().write_suffix(":write").build().unwrap();
    assert!(!allows(&colon_write, "urn:write", "urn"));
    assert!(allows(&colon_write, "urn:write", "urn:write"));
}

// §2.3 rule 3: hierarchy

#[test]
fn order_covers_order_item_and_order_shipping_status() {
    assert!(default_allows("order", "order:item"));
    assert!(default_allows("order", "order:shipping:status"));
    assert!(default_allows("order:shipping", "order:shipping:status"));
}

#[test]
fn orders_does_not_cover_order_item() {
    assert!(!default_allows("orders", "order:item"));
    assert!(!default_allows("order", "orders:item"));
    assert!(!default_allows("order:it", "order:item"));
}

#[test]
fn order_item_does_not_cover_order() {
    assert!(!default_allows("order:item", "order"));
    assert!(!default_allows("order:shipping:status", "order:shipping"));
}

#[test]
fn inventory_write_covers_inventory_price_and_price_write() {
    assert!(default_allows("inventory.write", "inventory"));
    assert!(default_allows("inventory.write", "inventory:price"));
    assert!(default_allows("inventory.write", "inventory:price.write"));
}

#[test]
fn inventory_does_not_cover_inventory_price_write() {
    assert!(default_allows("inventory", "inventory:price"));
    assert!(!default_allows("inventory", "inventory:price.write"));
    assert!(!default_allows("inventory", "inventory.write"));
}

#[test]
fn inventory_price_write_covers_inventory_price_but_not_inventory_stock() {
    assert!(default_allows("inventory:price.write", "inventory:price"));
    assert!(default_allows("inventory:price.write", "inventory:price:history"));
    assert!(!default_allows("inventory:price.write", "inventory:stock"));
    assert!(!default_allows("inventory:price.write", "inventory"));
}

#[test]
fn empty_segment_scope_only_ever_matches_exactly() {
    for scope in ["order::item", ":order", "order:"] {
        assert!(default_allows(scope, scope), "{scope}");
    }
    assert!(!default_allows("order", "order::item"));
    assert!(!default_allows("order:", "order::item"));
    assert!(!default_allows("order", "order:"));
    assert!(!default_allows(":order", ":order:item"));
    assert!(!default_allows("order:.write", "order:"));
    assert!(!default_allows(".write", "order"));
    // As long as a covering scope could be (`order.write` is 11 bytes),
    // and a character prefix of the required scope: still not a segment.
    assert!(!default_allows("order:item:", "order:item:status"));
    assert!(!default_allows("openid order:item:", "order:item:status"));
}

// §2.3 rule 4: implications

fn admin_implies_user_write() -> ScopePolicy {
    ScopePolicy::builder()
        .implies("admin:write", ["user:write"])
        .build()
        .expect("valid policy")
}

#[test]
fn implication_fires_when_premise_covered_by_hierarchy() {
    let policy = admin_implies_user_write();
    assert!(allows(&policy, "admin", "user:write"));
    assert!(allows(&policy, "admin.write", "user:write"));
    assert!(!allows(&policy, "admin:read", "user:write"));
    assert!(!allows(&ScopePolicy::default(), "admin", "user:write"));
    assert_eq!(
        policy.effective_scopes(&granted("admin")).to_string(),
        "admin user:write"
    );
}

#[test]
fn implication_fires_when_premise_granted_exactly() {
    let policy = admin_implies_user_write();
    assert!(allows(&policy, "admin:write", "user:write"));
    assert!(!allows(&policy, "order", "user:write"));
}

#[test]
fn implied_scope_covers_by_hierarchy() {
    let policy = ScopePolicy::builder()
        .implies("admin", ["user.write"])
        .build()
        .unwrap();
    assert!(allows(&policy, "admin", "user:profile"));
    assert!(allows(&policy, "admin", "user:settings.write"));
    assert!(!allows(&policy, "admin", "users:profile"));
}

#[test]
fn implications_apply_transitively() {
    let policy = ScopePolicy::builder()
        .implies("c", ["d"])
        .implies("a", ["b.write"])
        .implies("b:x", ["c"])
        .build()
        .unwrap();
    // `a` grants `b.write`, which covers `b:x`, which grants `c`, then `d`.
    for implied in ["b:x", "c", "d"] {
        assert!(allows(&policy, "a", implied), "{implied}");
    }
    assert!(!allows(&policy, "b:y", "c"));
    assert_eq!(
        policy.effective_scopes(&granted("a")).to_string(),
        "a b.write c d"
    );
}

#[test]
fn cyclic_implications_are_harmless() {
    let policy = ScopePolicy::builder()
        .implies("a", ["b"])
        .implies("b", ["c"])
        .implies("c", ["a"])
        .implies("self", ["self"])
        .build()
        .unwrap();
    for start in ["a", "b", "c"] {
        assert!(allows(&policy, start, "all(a, b, c)"), "{start}");
    }
    assert!(allows(&policy, "self", "self"));
    assert!(!allows(&policy, "d", "any(a, b, c)"));
    assert_eq!(policy.effective_scopes(&granted("b")).to_string(), "a b c");
}

#[test]
fn implied_scope_satisfies_a_template() {
    let policy = ScopePolicy::builder()
        .implies("treasury", ["transaction-42"])
        .build()
        .unwrap();
    let approve = requirement("transaction-{tx}");
    assert!(
        policy
            .check(&granted("treasury"), &approve, &[("tx", "42")])
            .is_ok()
    );
    assert!(
        policy
            .check(&granted("treasury"), &approve, &[("tx", "7")])
            .is_err()
    );
}

// §2.3 rule 5: exact-only mode

#[test]
fn exact_only_mode_turns_the_hierarchy_off() {
    for policy in [
        ScopePolicy::exact_only(),
        ScopePolicy::builder().exact_only().build().unwrap(),
        ScopePolicy::builder()
            .matching(Matching::ExactOnly)
            .build()
            .unwrap(),
    ] {
        assert_eq!(policy.matching(), Matching::ExactOnly);
        assert!(allows(&policy, "order:item", "order:item"));
        assert!(!allows(&policy, "order", "order:item"));
        assert!(!allows(&policy, "inventory.write", "inventory"));
        assert!(!allows(&policy, "inventory.write", "inventory:price.write"));
    }
}

#[test]
fn exact_only_mode_keeps_implications() {
    let policy = ScopePolicy::builder()
        .exact_only()
        .implies("admin:write", ["user:write"])
        .build()
        .unwrap();
    assert!(allows(&policy, "admin:write", "user:write"));
    // The premise is covered under rules 1 and 4 only.
    assert!(!allows(&policy, "admin", "user:write"));
    assert!(!allows(&policy, "admin:write", "user:write:email"));
}

#[test]
fn granted_user_covers_user_colon_write_in_hierarchical_mode() {
    assert!(default_allows("user", "user:write"));
    assert!(!default_allows("user", "user.write"));
    assert!(!allows(&ScopePolicy::exact_only(), "user", "user:write"));
}

#[test]
fn custom_separator_splits_the_path() {
    let policy = ScopePolicy::builder().separator("/").build().unwrap();
    assert_eq!(policy.separator(), "/");
    assert!(allows(&policy, "order", "order/item"));
    assert!(allows(&policy, "order", "order/shipping/status"));
    assert!(!allows(&policy, "orders", "order/item"));
    assert!(!allows(&policy, "order", "order:item"));
    assert!(!allows(&policy, "order", "order//item"));
    assert!(allows(&policy, "inventory.write", "inventory/price.write"));

    let long = ScopePolicy::builder().separator("::").build().unwrap();
    assert!(allows(&long, "order", "order::item"));
    assert!(!allows(&long, "order", "order:item"));
    assert!(!allows(&long, "order:", "order::item"));
    // `order:::item` splits into `order` and `:item`.
    assert!(allows(&long, "order", "order:::item"));
    assert!(!allows(&long, "order:", "order:::item"));
}

#[test]
fn custom_write_suffix_marks_write_access() {
    let policy = ScopePolicy::builder().write_suffix(":write").build().unwrap();
    assert_eq!(policy.write_suffix(), ":write");
    assert!(!allows(&policy, "user", "user:write"));
    assert!(allows(&policy, "user:write", "user"));
    assert!(allows(&policy, "user:write", "user:profile:write"));
    assert!(!allows(&policy, "user:profile", "user:profile:write"));
    // `.write` is now an ordinary part of a segment.
    assert!(!allows(&policy, "inventory.write", "inventory"));
    assert!(!allows(&policy, "inventory", "inventory.write"));
    assert!(allows(&policy, "inventory.write", "inventory.write:price"));
}

#[test]
fn invalid_separator_or_suffix_is_reported_with_every_problem() {
    let error = ScopePolicy::builder()
        .separator("")
        .write_suffix(" write")
        .implies("ok", ["not ok"])
        .build()
        .unwrap_err();
    assert!(matches!(
        error.problems(),
        [
            PolicyProblem::InvalidSetting {
                setting: "separator",
                error: ScopeError::Empty
            },
            PolicyProblem::InvalidSetting {
                setting: "write_suffix",
                ..
            },
            PolicyProblem::InvalidImplication { rule: 0, .. },
        ]
    ));
}

#[test]
fn matching_is_a_pure_function_of_policy_granted_set_and_requirement() {
    let policy = ScopePolicy::default();
    let granted = granted("order inventory.write");
    let required = requirement("all(order:item, inventory:price.write)");
    let first = policy.check(&granted, &required, &());
    for _ in 0..3 {
        assert_eq!(policy.check(&granted, &required, &()), first);
        assert_eq!(
            policy.clone().check(&granted.clone(), &required.clone(), &()),
            first
        );
    }
    assert!(first.is_ok());
}

// §2.4 Requirements

#[test]
fn a_scope_is_a_requirement() {
    let required = requirement("inventory:price.write");
    assert!(matches!(required.expr(), Expr::Scope(scope) if scope == "inventory:price.write"));
    assert_eq!(required, requirement(r#""inventory:price.write""#));
    assert!(default_allows("inventory.write", "inventory:price.write"));
}

#[test]
fn all_of_requires_every_scope() {
    let text = r#"all("admin:read", "audit:read")"#;
    assert!(default_allows("admin:read audit:read", text));
    assert!(!default_allows("admin:read", text));
    assert!(!default_allows("audit:read", text));
}

#[test]
fn several_arguments_mean_all_of_them() {
    assert_eq!(
        requirement(r#""admin:read", "audit:read""#),
        requirement(r#"all("admin:read", "audit:read")"#)
    );
    assert!(!default_allows("admin:read", "admin:read, audit:read"));
}

#[test]
fn any_of_requires_one_scope() {
    let text = r#"any("inventory:sales", "report:read")"#;
    assert!(default_allows("inventory:sales", text));
    assert!(default_allows("report:read", text));
    assert!(default_allows("report", text));
    assert!(!default_allows("inventory:stock", text));
}

#[test]
fn nesting_combines_all_and_any() {
    let text = r#"any(all("a", "b"), "c")"#;
    assert!(default_allows("a b", text));
    assert!(default_allows("c", text));
    assert!(!default_allows("a", text));
    assert!(!default_allows("b", text));
}

#[test]
fn runtime_syntax_is_the_requirement_syntax() {
    let required = requirement("any(inventory:sales, report:read)");
    assert!(matches!(required.expr(), Expr::Any(alternatives) if alternatives.len() == 2));
    assert_eq!(required, requirement(r#"any("inventory:sales", "report:read")"#));
    let from_str: Requirement = "any(inventory:sales, report:read)".parse().unwrap();
    assert_eq!(from_str, required);
}

#[test]
fn template_is_filled_from_the_path_parameter_of_the_same_name() {
    assert!(decide("transaction-42", "transaction-{tx}", &[("tx", "42")]).is_ok());
    assert!(decide("transaction-42", "transaction-{tx}", &[("id", "7"), ("tx", "42")]).is_ok());
    assert!(decide("transaction-42", "transaction-{tx}", &[("tx", "7"), ("id", "42")]).is_err());
    let params: HashMap<String, String> = [("tx".to_owned(), "42".to_owned())].into();
    assert!(decide("transaction-42", "transaction-{tx}", &params).is_ok());
    assert!(
        decide(
            "shop:7:order:42",
            "shop:{shop}:order:{order}",
            &[("shop", "7"), ("order", "42")]
        )
        .is_ok()
    );
}

#[test]
fn granted_transaction_prefix_covers_nothing() {
    for value in ["1", "42", ""] {
        assert!(
            decide("transaction-", "transaction-{tx}", &[("tx", value)]).is_err(),
            "{value:?}"
        );
    }
    assert!(decide("transaction", "transaction-{tx}", &[("tx", "1")]).is_err());
}

#[test]
fn transaction_1_does_not_cover_transaction_10() {
    assert!(decide("transaction-1", "transaction-{tx}", &[("tx", "10")]).is_err());
    assert!(decide("transaction-10", "transaction-{tx}", &[("tx", "1")]).is_err());
    assert!(decide("transaction-10", "transaction-{tx}", &[("tx", "10")]).is_ok());
}

#[test]
fn filled_template_is_granted_exactly_without_hierarchy() {
    for list in ["order", "order.write", "order:42.write", "order:4"] {
        assert!(decide(list, "order:{id}", &[("id", "42")]).is_err(), "{list}");
    }
    assert!(decide("order:42", "order:{id}", &[("id", "42")]).is_ok());
    assert!(decide("order:42", "order:{id}:item", &[("id", "42")]).is_err());
}

#[test]
fn filled_value_breaking_grammar_denies_without_scope_attribute() {
    for value in ["4 2", "4\"2", "4\\2", "é", "4\t2", ""] {
        assert_eq!(
            decide(
                "transaction-4 transaction-42",
                "transaction-{tx}",
                &[("tx", value)]
            ),
            Err(ScopeDenial::InsufficientScope { scope: None }),
            "{value:?}"
        );
    }
}

#[test]
fn missing_template_parameter_is_a_configuration_error() {
    let denial = decide("transaction-42", "transaction-{tx}", &[("id", "42")]).unwrap_err();
    assert_eq!(denial, ScopeDenial::MissingParameter { name: "tx".into() });
    assert_eq!(denial.label(), "missing_template_parameter");
    let error = AuthError::from(denial);
    assert_eq!(error.status(), 500);
    assert_eq!(error.label(), "missing_template_parameter");
}

#[test]
fn missing_template_parameter_fails_closed_even_when_another_alternative_holds() {
    assert_eq!(
        decide("admin", "any(admin, transaction-{tx})", &()),
        Err(ScopeDenial::MissingParameter { name: "tx".into() })
    );
    assert_eq!(
        decide("admin", "all(admin, any(b, shop:{shop}:{id}))", &[("shop", "1")]),
        Err(ScopeDenial::MissingParameter { name: "id".into() })
    );
}

#[test]
fn step_up_options_attach_to_a_requirement() {
    let payment = requirement(r#"payment.write, max_age = 300, acr = "phr phrh""#);
    assert_eq!(payment.step_up().max_age(), Some(300));
    assert_eq!(payment.step_up().acr_values(), ["phr", "phrh"]);
    assert_eq!(payment.expr(), requirement("payment.write").expr());

    let first = requirement("max_age=0,acr=phr,any(a,b)");
    assert_eq!(first.step_up().max_age(), Some(0));
    assert_eq!(first.step_up().acr_values(), ["phr"]);
    assert_eq!(first.expr(), requirement("any(a, b)").expr());

    assert!(requirement("a").step_up().is_empty());
    let built = Requirement::from(Scope::from_static("a"))
        .with_max_age(60)
        .with_acr_values(["urn:mace:incommon:iap:silver"])
        .unwrap();
    assert_eq!(
        built.to_string(),
        r#"a, max_age = 60, acr = "urn:mace:incommon:iap:silver""#
    );
    assert!(
        Requirement::from(Scope::from_static("a"))
            .with_acr_values(["two words"])
            .is_err()
    );
    assert!(
        Requirement::from(Scope::from_static("a"))
            .with_acr_values(Vec::<String>::new())
            .is_err()
    );
}

#[test]
fn step_up_option_errors_are_reported() {
    for (text, kind) in [
        (
            "a, max_age = 1, max_age = 2",
            RequirementErrorKind::DuplicateOption("max_age"),
        ),
        (
            "a, acr = x, acr = y",
            RequirementErrorKind::DuplicateOption("acr"),
        ),
        ("a, max_age = -1", RequirementErrorKind::InvalidMaxAge),
        ("a, max_age = 1.5", RequirementErrorKind::InvalidMaxAge),
        (r#"a, max_age = "300""#, RequirementErrorKind::InvalidMaxAge),
        (
            "a, max_age = 99999999999999999999999",
            RequirementErrorKind::InvalidMaxAge,
        ),
        ("a, max_age =", RequirementErrorKind::InvalidMaxAge),
        (r#"a, acr = """#, RequirementErrorKind::InvalidAcr),
        (r#"a, acr = "a\b""#, RequirementErrorKind::InvalidAcr),
        ("a, acr = (", RequirementErrorKind::InvalidAcr),
        ("a, ttl = 3", RequirementErrorKind::UnknownOption("ttl".into())),
        ("max_age = 300", RequirementErrorKind::Empty),
    ] {
        assert_eq!(parse_error(text).0, kind, "{text}");
    }
}

#[test]
fn step_up_options_are_not_part_of_the_scope_decision() {
    let policy = ScopePolicy::default();
    let payment = requirement(r#"payment.write, max_age = 300, acr = "phr""#);
    assert!(policy.check(&granted("payment.write"), &payment, &()).is_ok());
    assert!(policy.check(&granted("payment"), &payment, &()).is_err());
}

// §4: the `scope` attribute of a denial

#[test]
fn denial_scope_attribute_of_a_single_scope_is_that_scope() {
    assert_eq!(
        denied_scope("inventory", "inventory:price.write", &()).as_deref(),
        Some("inventory:price.write")
    );
    assert_eq!(denied_scope("", "a", &()).as_deref(), Some("a"));
}

#[test]
fn denial_scope_attribute_of_all_lists_every_scope() {
    assert_eq!(
        denied_scope("admin:read", "all(admin:read, audit:read)", &()).as_deref(),
        Some("admin:read audit:read")
    );
}

#[test]
fn denial_scope_attribute_of_any_is_the_first_alternative() {
    assert_eq!(
        denied_scope("", "any(inventory:sales, report:read)", &()).as_deref(),
        Some("inventory:sales")
    );
}

#[test]
fn denial_scope_attribute_of_nested_requirements() {
    assert_eq!(
        denied_scope("d", "any(all(a, b), c)", &()).as_deref(),
        Some("a b")
    );
    assert_eq!(
        denied_scope("", "all(any(a, b), c, any(all(c, a), d))", &()).as_deref(),
        Some("a c")
    );
    assert_eq!(denied_scope("", "any(any(x, y), z)", &()).as_deref(), Some("x"));
}

#[test]
fn denial_scope_attribute_fills_templates_in() {
    assert_eq!(
        denied_scope("order:read", "all(order:read, transaction-{tx})", &[("tx", "7")]).as_deref(),
        Some("order:read transaction-7")
    );
    assert_eq!(
        denied_scope(
            "",
            "any(shop:{shop}:order:{order}, admin)",
            &[("shop", "1"), ("order", "2")]
        )
        .as_deref(),
        Some("shop:1:order:2")
    );
    assert_eq!(
        denied_scope("", "all(a, transaction-{tx})", &[("tx", "4 2")]),
        None
    );
}

// §2.4: the string syntax

#[test]
fn parser_errors_name_the_problem_and_its_position() {
    for (text, kind, at) in [
        ("", RequirementErrorKind::Empty, 0),
        ("   ", RequirementErrorKind::Empty, 0),
        ("all()", RequirementErrorKind::EmptyGroup, 4),
        ("any( )", RequirementErrorKind::EmptyGroup, 5),
        ("all(a", RequirementErrorKind::UnexpectedEnd, 5),
        ("all(a,", RequirementErrorKind::UnexpectedEnd, 6),
        (
            ",",
            RequirementErrorKind::Expected("a scope, `all(` or `any(`"),
            0,
        ),
        (
            "a,,b",
            RequirementErrorKind::Expected("a scope, `all(` or `any(`"),
            2,
        ),
        (r#""a"#, RequirementErrorKind::UnterminatedString, 0),
        ("some(a)", RequirementErrorKind::UnknownFunction("some".into()), 0),
        ("a b", RequirementErrorKind::Expected("`,`"), 2),
        ("a)", RequirementErrorKind::Expected("`,`"), 1),
        ("all(a b)", RequirementErrorKind::Expected("`,` or `)`"), 6),
        (
            "all(a,)",
            RequirementErrorKind::Expected("a scope, `all(` or `any(`"),
            6,
        ),
        (
            "(a)",
            RequirementErrorKind::Expected("a scope, `all(` or `any(`"),
            0,
        ),
        ("é", RequirementErrorKind::UnexpectedCharacter, 0),
        ("a, \\", RequirementErrorKind::UnexpectedCharacter, 3),
        (
            r#"a, "b c""#,
            RequirementErrorKind::InvalidScope(ScopeError::InvalidCharacter { index: 1, byte: b' ' }),
            4,
        ),
        (
            "tx-{",
            RequirementErrorKind::InvalidTemplate(TemplateError::UnclosedBrace { index: 3 }),
            0,
        ),
        (
            "tx-{1x}",
            RequirementErrorKind::InvalidTemplate(TemplateError::InvalidParameterName { index: 3 }),
            0,
        ),
        (
            "a, tx}",
            RequirementErrorKind::InvalidTemplate(TemplateError::UnmatchedBrace { index: 2 }),
            3,
        ),
    ] {
        assert_eq!(parse_error(text), (kind, at), "{text:?}");
    }
}

#[test]
fn parser_errors_never_echo_the_whole_input() {
    let error = Requirement::parse(r#"all(secret-value, "x y")"#)
        .unwrap_err()
        .to_string();
    assert!(!error.contains("secret"), "{error}");
}

#[test]
fn a_trailing_comma_after_the_last_top_level_item_is_accepted() {
    assert_eq!(requirement("a, b,"), requirement("a, b"));
    assert_eq!(requirement("a, max_age = 5,"), requirement("a, max_age = 5"));
}

#[test]
fn whitespace_between_tokens_is_ignored() {
    assert_eq!(
        requirement(" any ( a ,\tall(\nb , c ) )\r\n, max_age = 5 "),
        requirement("any(a, all(b, c)), max_age = 5")
    );
}

#[test]
fn display_writes_the_syntax_back() {
    for (text, canonical) in [
        ("a", "a"),
        (r#""a""#, "a"),
        ("a,b", "all(a, b)"),
        ("any(a,all(b,c))", "any(a, all(b, c))"),
        ("transaction-{tx}", "transaction-{tx}"),
        ("all(x, max_age)", "all(x, max_age)"),
        ("max_age, acr", "all(max_age, acr)"),
        ("all", "all"),
        (
            r#"a, acr = "x  y", max_age = 7"#,
            r#"a, max_age = 7, acr = "x y""#,
        ),
        (
            "urn:a:b, https://x.example/y",
            "all(urn:a:b, https://x.example/y)",
        ),
    ] {
        let parsed = requirement(text);
        assert_eq!(parsed.to_string(), canonical, "{text}");
        assert_eq!(requirement(canonical), parsed, "{canonical}");
    }
}

#[test]
fn scopes_containing_parens_commas_or_equals_are_quoted() {
    for scope in ["f(x)", "a,b", "k=v", "(", ")", ",", "=", "tx={tx}", "any(a)"] {
        let expr = Expr::scope(scope).unwrap();
        let required = Requirement::new(Expr::any([expr.clone(), Expr::scope("b").unwrap()])).unwrap();
        let text = required.to_string();
        assert_eq!(text, format!("any(\"{scope}\", b)"));
        assert_eq!(requirement(&text), required, "{text}");
    }
    assert_eq!(requirement("a,b").scopes().count(), 2);
    assert_eq!(requirement(r#""a,b""#).scopes().count(), 1);
}

#[test]
fn nesting_depth_is_limited() {
    assert!(matches!(MAX_DEPTH, 8..=256));
    assert!(Requirement::parse(&nested(MAX_DEPTH)).is_ok());
    assert_eq!(
        parse_error(&nested(MAX_DEPTH + 1)).0,
        RequirementErrorKind::TooDeep
    );
    // Hostile input is refused without exhausting the stack.
    assert_eq!(parse_error(&nested(100_000)).0, RequirementErrorKind::TooDeep);
    assert_eq!(
        parse_error(&format!("{}, b", nested(MAX_DEPTH))).0,
        RequirementErrorKind::TooDeep
    );

    let mut expr = Expr::scope("a").unwrap();
    for _ in 0..MAX_DEPTH {
        expr = Expr::all([expr]);
    }
    assert!(Requirement::new(expr.clone()).is_ok());
    assert_eq!(
        Requirement::new(Expr::any([expr])).unwrap_err().kind(),
        &RequirementErrorKind::TooDeep
    );
    assert_eq!(
        Requirement::new(Expr::all([Expr::any([])])).unwrap_err().kind(),
        &RequirementErrorKind::EmptyGroup
    );
}
