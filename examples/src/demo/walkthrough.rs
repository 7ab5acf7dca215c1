//! The walkthrough a demo prints: for each persona, requests as
//! ready-to-paste `curl` lines, each under a heading that says what it
//! does and the status it must answer:
//!
//! ```text
//! # supplier reads the sales report -> expect 200 (inventory:sales is one of the alternatives)
//! curl -i -X GET 'http://127.0.0.1:3000/reports/sales' -H 'Authorization: Bearer eyJ...'
//! ```
//!
//! The package's `demo` test checks every printed status against its own
//! table of what each persona gets on each route (written from the SPEC,
//! not from this file), runs every printed line against the running demo,
//! and asks every route as every persona.

use std::fmt::Write as _;

use scopeguard_core::test_util::TestIssuer;

use super::personas::{ADMINISTRATOR, CUSTOMER, PAYMENT_CLERK, PERSONAS, Persona, SUPPLIER};

/// Who makes a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Nobody: no `Authorization` header.
    Anonymous,
    /// A persona with a fresh token.
    Fresh(Persona),
    /// A persona with a token that expired.
    Expired(Persona),
}

/// One request of the walkthrough and the status it must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Who asks.
    pub caller: Caller,
    /// What they do, after their name: `reads the sales report`.
    pub action: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path, from the API's root.
    pub path: &'static str,
    /// The JSON body, if any.
    pub body: Option<&'static str>,
    /// The status the API answers.
    pub expect: u16,
    /// Why it answers that.
    pub because: &'static str,
}

const fn step(
    caller: Caller,
    action: &'static str,
    (method, path, body): (&'static str, &'static str, Option<&'static str>),
    expect: u16,
    because: &'static str,
) -> Step {
    Step {
        caller,
        action,
        method,
        path,
        body,
        expect,
        because,
    }
}

const PAYMENT: Option<&str> = Some(r#"{"order":1001,"cents":7597}"#);

/// The requests of the walkthrough, persona by persona.
pub const STEPS: [Step; 25] = {
    use Caller::{Anonymous, Expired, Fresh};
    [
        step(
            Fresh(CUSTOMER),
            "reads the items of order 1001",
            ("GET", "/orders/1001/items", None),
            200,
            "order:item is granted",
        ),
        step(
            Fresh(CUSTOMER),
            "follows the shipping status",
            ("GET", "/orders/1001/shipping/status", None),
            200,
            "order:shipping covers order:shipping:status",
        ),
        step(
            Fresh(CUSTOMER),
            "reads the shipping address",
            ("GET", "/orders/1001/shipping/address", None),
            200,
            "order:shipping covers order:shipping:address",
        ),
        step(
            Fresh(CUSTOMER),
            "follows the parcel at the shipping API",
            ("GET", "/orders/1001/shipping/tracking", None),
            200,
            "order:shipping is granted; the shipping API receives a token exchanged for order:shipping",
        ),
        step(
            Fresh(CUSTOMER),
            "reads the whole order",
            ("GET", "/orders/1001", None),
            403,
            "order:item does not cover order",
        ),
        step(
            Fresh(CUSTOMER),
            "reads a price",
            ("GET", "/inventory/A-100/price", None),
            200,
            "inventory:price is granted",
        ),
        step(
            Fresh(CUSTOMER),
            "tries to change a price",
            ("PUT", "/inventory/A-100/price", Some(r#"{"cents":1}"#)),
            403,
            "inventory:price does not cover inventory:price.write",
        ),
        step(
            Fresh(CUSTOMER),
            "pays for order 1001",
            ("POST", "/payments", PAYMENT),
            200,
            "payment.write, signed in less than 300 s ago",
        ),
        step(
            Fresh(ADMINISTRATOR),
            "reads the whole order",
            ("GET", "/orders/1001", None),
            200,
            "order is granted",
        ),
        step(
            Fresh(ADMINISTRATOR),
            "follows the parcel at the shipping API",
            ("GET", "/orders/1001/shipping/tracking", None),
            200,
            "order covers order:shipping; the shipping API receives order:shipping only, same sub and exp",
        ),
        step(
            Fresh(ADMINISTRATOR),
            "reads the stock of a product",
            ("GET", "/inventory/A-100", None),
            200,
            "inventory.write covers inventory",
        ),
        step(
            Fresh(ADMINISTRATOR),
            "changes a price",
            ("PUT", "/inventory/A-100/price", Some(r#"{"cents":1199}"#)),
            200,
            "inventory.write covers inventory:price.write",
        ),
        step(
            Fresh(ADMINISTRATOR),
            "approves transaction 42",
            ("POST", "/transactions/42/approve", None),
            200,
            "transaction-42 is granted",
        ),
        step(
            Fresh(ADMINISTRATOR),
            "tries to approve transaction 7",
            ("POST", "/transactions/7/approve", None),
            403,
            "transaction-7 is not granted",
        ),
        step(
            Fresh(ADMINISTRATOR),
            "tries to take a payment",
            ("POST", "/payments", PAYMENT),
            403,
            "payment.write is not granted",
        ),
        step(
            Fresh(SUPPLIER),
            "reads the sales report",
            ("GET", "/reports/sales", None),
            200,
            "inventory:sales is one of the alternatives",
        ),
        step(
            Fresh(SUPPLIER),
            "reads a price",
            ("GET", "/inventory/B-200/price", None),
            200,
            "inventory:price is granted",
        ),
        step(
            Fresh(SUPPLIER),
            "tries to read the stock",
            ("GET", "/inventory/B-200", None),
            403,
            "inventory:price does not cover inventory",
        ),
        step(
            Fresh(SUPPLIER),
            "tries to read order items",
            ("GET", "/orders/1001/items", None),
            403,
            "order:item is not granted",
        ),
        step(
            Fresh(SUPPLIER),
            "tries to follow a parcel",
            ("GET", "/orders/1001/shipping/tracking", None),
            403,
            "order:shipping is not granted, so nothing is exchanged",
        ),
        step(
            Fresh(PAYMENT_CLERK),
            "takes a payment",
            ("POST", "/payments", PAYMENT),
            401,
            "signed in an hour ago, payments ask for 300 s: step up",
        ),
        step(
            Fresh(PAYMENT_CLERK),
            "reads order items",
            ("GET", "/orders/1001/items", None),
            200,
            "order:item is granted, no step-up asked",
        ),
        step(
            Expired(CUSTOMER),
            "reads the items of order 1001",
            ("GET", "/orders/1001/items", None),
            401,
            "the token expired",
        ),
        step(
            Anonymous,
            "reads the items of order 1001",
            ("GET", "/orders/1001/items", None),
            401,
            "no token",
        ),
        step(
            Anonymous,
            "checks the health",
            ("GET", "/health", None),
            200,
            "a public route",
        ),
    ]
};

impl Caller {
    /// How the walkthrough names the caller.
    pub fn describe(&self) -> String {
        match self {
            Self::Anonymous => "anyone, without a token,".to_owned(),
            Self::Fresh(persona) => persona.name.to_owned(),
            Self::Expired(persona) => format!("{}, with an expired token,", persona.name),
        }
    }
}

impl Step {
    /// The heading line: `# WHO ACTION -> expect STATUS (WHY)`.
    pub fn heading(&self) -> String {
        format!(
            "# {} {} -> expect {} ({})",
            self.caller.describe(),
            self.action,
            self.expect,
            self.because
        )
    }

    /// The `curl` line against the API at `base` (`http://HOST:PORT`),
    /// with `token` as the bearer token when there is one.
    pub fn curl(&self, base: &str, token: Option<&str>) -> String {
        let mut line = format!("curl -i -X {} '{base}{}'", self.method, self.path);
        if let Some(token) = token {
            let _ = write!(line, " -H 'Authorization: Bearer {token}'");
        }
        if let Some(body) = self.body {
            let _ = write!(line, " -H 'Content-Type: application/json' -d '{body}'");
        }
        line
    }
}

/// The whole walkthrough for the API at `base`, with tokens minted by
/// `issuer`: the personas, then every step's heading and `curl` line.
pub fn render(base: &str, issuer: &TestIssuer) -> String {
    let tokens: Vec<(Persona, String)> = PERSONAS
        .iter()
        .map(|persona| (*persona, persona.token(issuer)))
        .collect();
    let expired = CUSTOMER.expired_token(issuer);
    let mut text = String::from(
        "Personas (tokens valid for an hour; the customer's payment needs a sign-in under 300 s old):\n",
    );
    for persona in PERSONAS {
        let _ = writeln!(
            text,
            "  {:<14} sub={:<14} scopes: {}",
            persona.name, persona.sub, persona.scopes
        );
    }
    for step in &STEPS {
        let token = match step.caller {
            Caller::Anonymous => None,
            Caller::Expired(_) => Some(expired.as_str()),
            Caller::Fresh(persona) => tokens
                .iter()
                .find(|(known, _)| *known == persona)
                .map(|(_, token)| token.as_str()),
        };
        let _ = write!(text, "\n{}\n{}\n", step.heading(), step.curl(base, token));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_prints_its_promise_and_its_request() {
        let step = STEPS[6];
        assert_eq!(
            step.heading(),
            "# customer tries to change a price -> expect 403 (inventory:price does not cover inventory:price.write)"
        );
        assert_eq!(
            step.curl("http://127.0.0.1:3000", Some("t.o.k")),
            r#"curl -i -X PUT 'http://127.0.0.1:3000/inventory/A-100/price' -H 'Authorization: Bearer t.o.k' -H 'Content-Type: application/json' -d '{"cents":1}'"#
        );
    }

    #[test]
    fn every_persona_has_a_step_and_every_step_a_curl_line() {
        let issuer = TestIssuer::new();
        let text = render("http://127.0.0.1:3000", &issuer);
        for persona in PERSONAS {
            assert!(STEPS.iter().any(|step| step.caller == Caller::Fresh(persona)));
        }
        assert_eq!(text.matches("\ncurl ").count(), STEPS.len());
    }
}
