//! SPEC §2.3: matching never allocates per check in the hot path.
//!
//! A counting global allocator watches [`ScopePolicy::check`] while it allows
//! realistic tokens. The counter is process-wide, so this file holds a single
//! test.

use std::alloc::System;

use scopeguard_core::{GrantedScopes, PathParams, Requirement, ScopePolicy};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Fifty scopes as an identity provider might grant them; the ten-scope
/// token takes the first ten.
const SCOPES: [&str; 50] = [
    "openid",
    "profile",
    "order",
    "inventory:price.write",
    "report:read",
    "urn:example:billing:read",
    "transaction-42",
    "inventory:sales",
    "https://api.example.com/x",
    "email",
    "customer:profile",
    "customer:address.write",
    "catalog:product",
    "catalog:product:image.write",
    "cart.write",
    "payment:refund",
    "payment:capture.write",
    "invoice:read",
    "invoice:pdf",
    "shipment:label.write",
    "shipment:tracking",
    "warehouse:bin",
    "warehouse:transfer.write",
    "supplier:contract",
    "supplier:invoice.write",
    "analytics:dashboard",
    "analytics:export",
    "audit:read",
    "admin:read",
    "user:profile",
    "user:settings.write",
    "notification:email.write",
    "notification:sms",
    "promotion:coupon",
    "promotion:campaign.write",
    "review:moderate.write",
    "review:read",
    "loyalty:points",
    "loyalty:tier.write",
    "https://api.example.com/orders.readonly",
    "https://graph.example.com/User.Read",
    "urn:examplecompany:product_price:update",
    "urn:example:scim:users.read",
    "api://backend/access_as_user",
    "inventory:stock",
    "tax:rate",
    "order:shipping:status",
    "report:export.write",
    "catalog:category",
    "offline_access",
];

/// Requirements every token here meets: exactly, by hierarchy, through
/// `any` alternatives that fail first, and through a template.
const REQUIREMENTS: [&str; 8] = [
    "inventory:price.write",
    "order:item:status",
    "all(report:read, inventory:price.write, urn:example:billing:read)",
    "all(order:item, inventory:price, report:read)",
    "any(admin:write, audit:write, inventory:sales)",
    "any(https://api.example.com/y, urn:example:billing, order:item.write, inventory:sales)",
    "transaction-{tx}",
    "any(all(profile, transaction-{tx}), openid), max_age = 300",
];

/// With implications, requirements met only through a rule.
const IMPLIED: [&str; 3] = [
    "user:write",
    "any(audit:write, user:write:email)",
    "all(transaction-{tx}, account-{tx})",
];

fn policy_with_implications() -> ScopePolicy {
    ScopePolicy::builder()
        .implies("admin:write", ["user:write"])
        .implies("superuser", ["admin:write"])
        .implies("billing.write", ["invoice.write", "payment.write"])
        .implies("transaction-42", ["account-42"])
        .implies("profile", ["user:profile"])
        .build()
        .expect("valid policy")
}

/// Asserts that `policy` allows `requirement` for `granted` without
/// touching the heap.
fn assert_allows_without_allocating(
    policy: &ScopePolicy,
    granted: &GrantedScopes,
    requirement: &Requirement,
    params: &(impl PathParams + ?Sized),
) {
    let region = Region::new(GLOBAL);
    let decision = policy.check(granted, requirement, params);
    let change = region.change();
    assert!(
        decision.is_ok(),
        "{requirement} with {} scopes: {decision:?}",
        granted.len()
    );
    assert_eq!(
        (change.allocations, change.reallocations, change.bytes_allocated),
        (0, 0, 0),
        "{requirement} with {} scopes allocated",
        granted.len()
    );
}

#[test]
fn check_allocates_nothing_when_the_requirement_is_met() {
    let params = [("id", "7"), ("tx", "42")];
    let plain = ScopePolicy::default();
    let implying = policy_with_implications();
    let mut checked = 0;
    for size in [10, 50] {
        let granted = GrantedScopes::from_tokens(&SCOPES[..size]).expect("valid scopes");
        let with_superuser = granted.union(&GrantedScopes::from_space_delimited("superuser").unwrap());
        for text in REQUIREMENTS {
            let requirement = Requirement::parse(text).expect("valid requirement");
            for policy in [&plain, &implying] {
                assert_allows_without_allocating(policy, &granted, &requirement, &params);
                checked += 1;
            }
        }
        for text in IMPLIED {
            let requirement = Requirement::parse(text).expect("valid requirement");
            assert!(
                plain.check(&with_superuser, &requirement, &params).is_err(),
                "{text}"
            );
            assert_allows_without_allocating(&implying, &with_superuser, &requirement, &params);
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * (REQUIREMENTS.len() * 2 + IMPLIED.len()));
}
