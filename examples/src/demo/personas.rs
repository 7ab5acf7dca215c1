//! The people of the demo, each with the scopes an identity provider would
//! grant them, and the tokens the development issuer mints for them.

use std::time::Duration;

use scopeguard_core::test_util::TestIssuer;

/// How long a persona's token is valid: an hour, time enough to paste the
/// printed `curl` lines.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Someone who calls the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Persona {
    /// What the walkthrough calls them.
    pub name: &'static str,
    /// Their subject (`sub`).
    pub sub: &'static str,
    /// The scopes their token grants, space-delimited.
    pub scopes: &'static str,
    /// How long before the token was issued they signed in (`auth_time`).
    pub signed_in_ago: Duration,
}

/// A customer following their order, and paying for it: they signed in
/// just now.
pub const CUSTOMER: Persona = Persona {
    name: "customer",
    sub: "alice",
    scopes: "order:item order:shipping inventory:price payment.write",
    signed_in_ago: Duration::ZERO,
};

/// An administrator: every order, inventory write access, and the
/// approval of transaction 42 only.
pub const ADMINISTRATOR: Persona = Persona {
    name: "administrator",
    sub: "carol",
    scopes: "order inventory.write transaction-42",
    signed_in_ago: Duration::from_secs(60),
};

/// A supplier: reads prices and the sales report, nothing of the orders.
pub const SUPPLIER: Persona = Persona {
    name: "supplier",
    sub: "acme-supplies",
    scopes: "inventory:sales inventory:price",
    signed_in_ago: Duration::from_secs(60),
};

/// A payment clerk whose sign-in is an hour old: payments ask for one
/// within five minutes.
pub const PAYMENT_CLERK: Persona = Persona {
    name: "payment clerk",
    sub: "bob",
    scopes: "payment.write order:item",
    signed_in_ago: Duration::from_secs(3600),
};

/// Every persona.
pub const PERSONAS: [Persona; 4] = [CUSTOMER, ADMINISTRATOR, SUPPLIER, PAYMENT_CLERK];

impl Persona {
    /// A fresh access token of this persona, valid for [`TOKEN_LIFETIME`].
    pub fn token(&self, issuer: &TestIssuer) -> String {
        issuer
            .token()
            .sub(self.sub)
            .client_id("inventory-web")
            .scopes(self.scopes)
            .authenticated_ago(self.signed_in_ago)
            .expires_in(TOKEN_LIFETIME)
            .sign()
    }

    /// An access token of this persona that expired an hour ago.
    pub fn expired_token(&self, issuer: &TestIssuer) -> String {
        issuer
            .token()
            .sub(self.sub)
            .client_id("inventory-web")
            .scopes(self.scopes)
            .expired()
            .sign()
    }
}
