//! Benchmarks of the scope decision (SPEC §2.3: matching never allocates per
//! check in the hot path).
//!
//! Each group measures [`ScopePolicy::check`] on a parsed [`GrantedScopes`]
//! next to a naive baseline in the same run: an exact, byte-for-byte search
//! of the raw space-delimited scope string, as a resource server without
//! hierarchy would write it. Tokens grant 10 or 50 realistic scopes; every
//! required scope is granted exactly, so the policy and the baseline answer
//! the same question (the policy with hierarchy on).
//!
//! ```text
//! cargo bench -p scopeguard-core --bench scope_decision
//! ```

use divan::{AllocProfiler, Bencher, black_box};
use scopeguard_core::{GrantedScopes, Requirement, ScopePolicy};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

/// Granted scopes in the order an identity provider might list them.
const SCOPES: [&str; 50] = [
    "openid",
    "profile",
    "email",
    "offline_access",
    "order",
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
    "report:read",
    "supplier:contract",
    "supplier:invoice.write",
    "analytics:dashboard",
    "inventory:price.write",
    "analytics:export",
    "audit:read",
    "admin:read",
    "user:profile",
    "user:settings.write",
    "urn:example:billing:read",
    "notification:email.write",
    "notification:sms",
    "promotion:coupon",
    "promotion:campaign.write",
    "review:moderate.write",
    "review:read",
    "loyalty:points",
    "loyalty:tier.write",
    "https://api.example.com/x",
    "https://api.example.com/orders.readonly",
    "https://graph.example.com/User.Read",
    "urn:examplecompany:product_price:update",
    "urn:example:scim:users.read",
    "api://backend/access_as_user",
    "inventory:sales",
    "inventory:stock",
    "tax:rate",
    "transaction-42",
    "order:shipping:status",
    "report:export.write",
    "catalog:category",
];

/// The ten scopes of the small token: the required ones sit mid-list.
const SMALL: [&str; 10] = [
    "openid",
    "profile",
    "email",
    "order",
    "report:read",
    "inventory:price.write",
    "urn:example:billing:read",
    "inventory:sales",
    "transaction-42",
    "https://api.example.com/x",
];

const SIZES: [usize; 2] = [10, 50];

/// The raw `scope` claim of a token granting `size` scopes.
fn raw_scope(size: usize) -> String {
    match size {
        10 => SMALL.join(" "),
        _ => SCOPES[..size].join(" "),
    }
}

fn granted(size: usize) -> GrantedScopes {
    GrantedScopes::from_space_delimited(&raw_scope(size)).expect("valid scope list")
}

fn requirement(text: &str) -> Requirement {
    Requirement::parse(text).expect("valid requirement")
}

/// A policy with a few implication rules, none of which fires for the
/// benchmark tokens.
fn policy_with_implications() -> ScopePolicy {
    ScopePolicy::builder()
        .implies("admin:write", ["user:write", "audit:read"])
        .implies("superuser", ["admin:write"])
        .implies("billing.write", ["invoice.write", "payment.write"])
        .build()
        .expect("valid policy")
}

fn naive_has(raw: &str, required: &str) -> bool {
    raw.split(' ').any(|scope| scope == required)
}

const PARAMS: [(&str, &str); 1] = [("tx", "42")];

/// One required scope, granted exactly.
mod single {
    use super::{
        Bencher, SIZES, ScopePolicy, black_box, granted, naive_has, policy_with_implications, raw_scope,
        requirement,
    };

    const REQUIRED: &str = "inventory:price.write";

    #[divan::bench(args = SIZES)]
    fn naive(bencher: Bencher<'_, '_>, size: usize) {
        let raw = raw_scope(size);
        bencher.bench_local(|| naive_has(black_box(&raw), black_box(REQUIRED)));
    }

    #[divan::bench(args = SIZES)]
    fn hierarchy(bencher: Bencher<'_, '_>, size: usize) {
        let (policy, granted, requirement) = (ScopePolicy::default(), granted(size), requirement(REQUIRED));
        bencher.bench_local(|| black_box(&policy).check(black_box(&granted), black_box(&requirement), &()));
    }

    #[divan::bench(args = SIZES)]
    fn hierarchy_with_implications(bencher: Bencher<'_, '_>, size: usize) {
        let (policy, granted, requirement) =
            (policy_with_implications(), granted(size), requirement(REQUIRED));
        bencher.bench_local(|| black_box(&policy).check(black_box(&granted), black_box(&requirement), &()));
    }

    /// `order:item:status` is covered by the granted `order` (no exact
    /// match; the baseline cannot answer this one).
    #[divan::bench(args = SIZES)]
    fn hierarchy_covered_by_parent(bencher: Bencher<'_, '_>, size: usize) {
        let (policy, granted, requirement) = (
            ScopePolicy::default(),
            granted(size),
            requirement("order:item:status"),
        );
        bencher.bench_local(|| black_box(&policy).check(black_box(&granted), black_box(&requirement), &()));
    }
}

/// `all(...)` of three scopes, each granted exactly.
mod all_of_3 {
    use super::{
        Bencher, SIZES, ScopePolicy, black_box, granted, naive_has, policy_with_implications, raw_scope,
        requirement,
    };

    const REQUIRED: [&str; 3] = ["report:read", "inventory:price.write", "urn:example:billing:read"];

    fn text() -> String {
        format!("all({})", REQUIRED.join(", "))
    }

    #[divan::bench(args = SIZES)]
    fn naive(bencher: Bencher<'_, '_>, size: usize) {
        let raw = raw_scope(size);
        bencher.bench_local(|| {
            let raw = black_box(raw.as_str());
            black_box(REQUIRED)
                .iter()
                .all(|required| naive_has(raw, required))
        });
    }

    #[divan::bench(args = SIZES)]
    fn hierarchy(bencher: Bencher<'_, '_>, size: usize) {
        let (policy, granted, requirement) = (ScopePolicy::default(), granted(size), requirement(&text()));
        bencher.bench_local(|| black_box(&policy).check(black_box(&granted), black_box(&requirement), &()));
    }

    #[divan::bench(args = SIZES)]
    fn hierarchy_with_implications(bencher: Bencher<'_, '_>, size: usize) {
        let (policy, granted, requirement) =
            (policy_with_implications(), granted(size), requirement(&text()));
        bencher.bench_local(|| black_box(&policy).check(black_box(&granted), black_box(&requirement), &()));
    }
}

/// `any(...)` of three scopes where only the last is granted: the decision
/// looks at every alternative.
mod any_of_3 {
    use super::{
        Bencher, SIZES, ScopePolicy, black_box, granted, naive_has, policy_with_implications, raw_scope,
        requirement,
    };

    const REQUIRED: [&str; 3] = ["admin:write", "audit:write", "inventory:sales"];

    fn text() -> String {
        format!("any({})", REQUIRED.join(", "))
    }

    #[divan::bench(args = SIZES)]
    fn naive(bencher: Bencher<'_, '_>, size: usize) {
        let raw = raw_scope(size);
        bencher.bench_local(|| {
            let raw = black_box(raw.as_str());
            black_box(REQUIRED)
                .iter()
                .any(|required| naive_has(raw, required))
        });
    }

    #[divan::bench(args = SIZES)]
    fn hierarchy(bencher: Bencher<'_, '_>, size: usize) {
        let (policy, granted, requirement) = (ScopePolicy::default(), granted(size), requirement(&text()));
        bencher.bench_local(|| black_box(&policy).check(black_box(&granted), black_box(&requirement), &()));
    }

    #[divan::bench(args = SIZES)]
    fn hierarchy_with_implications(bencher: Bencher<'_, '_>, size: usize) {
        let (policy, granted, requirement) =
            (policy_with_implications(), granted(size), requirement(&text()));
        bencher.bench_local(|| black_box(&policy).check(black_box(&granted), black_box(&requirement), &()));
    }
}

/// The template `transaction-{tx}` filled with `tx = 42`.
mod template {
    use super::{
        Bencher, PARAMS, SIZES, ScopePolicy, black_box, granted, policy_with_implications, raw_scope,
        requirement,
    };

    const TEMPLATE: &str = "transaction-{tx}";

    /// The naive equivalent: compare each granted scope with the filled
    /// template without building it.
    #[divan::bench(args = SIZES)]
    fn naive(bencher: Bencher<'_, '_>, size: usize) {
        let raw = raw_scope(size);
        bencher.bench_local(|| {
            let value = black_box(PARAMS)[0].1;
            black_box(raw.as_str())
                .split(' ')
                .any(|scope| scope.strip_prefix("transaction-") == Some(value))
        });
    }

    #[divan::bench(args = SIZES)]
    fn hierarchy(bencher: Bencher<'_, '_>, size: usize) {
        let (policy, granted, requirement) = (ScopePolicy::default(), granted(size), requirement(TEMPLATE));
        bencher
            .bench_local(|| black_box(&policy).check(black_box(&granted), black_box(&requirement), &PARAMS));
    }

    #[divan::bench(args = SIZES)]
    fn hierarchy_with_implications(bencher: Bencher<'_, '_>, size: usize) {
        let (policy, granted, requirement) =
            (policy_with_implications(), granted(size), requirement(TEMPLATE));
        bencher
            .bench_local(|| black_box(&policy).check(black_box(&granted), black_box(&requirement), &PARAMS));
    }
}

/// Parsing the raw claim into a [`GrantedScopes`] (validation, sorting,
/// deduplication), next to a plain split into a `Vec<&str>`.
mod parse {
    use super::{Bencher, GrantedScopes, SIZES, black_box, raw_scope};

    #[divan::bench(args = SIZES)]
    fn naive_split(bencher: Bencher<'_, '_>, size: usize) {
        let raw = raw_scope(size);
        bencher.bench_local(|| black_box(raw.as_str()).split(' ').collect::<Vec<&str>>());
    }

    #[divan::bench(args = SIZES)]
    fn granted_scopes(bencher: Bencher<'_, '_>, size: usize) {
        let raw = raw_scope(size);
        bencher.bench_local(|| GrantedScopes::from_space_delimited(black_box(&raw)));
    }
}
