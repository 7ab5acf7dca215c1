//! What the gateway demo prints: `curl` lines through the gateway, each
//! under a heading with the status it must answer and why (at the edge, or
//! in the API behind it).

use std::fmt::Write as _;

use scopeguard_core::test_util::TestIssuer;

use crate::demo::issuer_introspection::OpaqueTokens;
use crate::demo::personas::{ADMINISTRATOR, CUSTOMER, PAYMENT_CLERK, Persona, SUPPLIER, TOKEN_LIFETIME};
use crate::demo::walkthrough::{Caller, Step};

/// Which token a persona presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented {
    /// A JWT access token.
    Jwt,
    /// An opaque token, introspected at the edge.
    Opaque,
}

/// One printed request: the step, and the kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewayStep {
    /// What is asked, by whom, and the status it answers.
    pub step: Step,
    /// The kind of token presented.
    pub presented: Presented,
}

const fn jwt(
    caller: Caller,
    action: &'static str,
    request: (&'static str, &'static str),
    expect: u16,
    because: &'static str,
) -> GatewayStep {
    GatewayStep {
        step: Step {
            caller,
            action,
            method: request.0,
            path: request.1,
            body: None,
            expect,
            because,
        },
        presented: Presented::Jwt,
    }
}

const fn opaque(
    persona: Persona,
    action: &'static str,
    path: &'static str,
    expect: u16,
    because: &'static str,
) -> GatewayStep {
    GatewayStep {
        presented: Presented::Opaque,
        ..jwt(Caller::Fresh(persona), action, ("GET", path), expect, because)
    }
}

/// The payment the walkthrough takes.
const PAYMENT: &str = r#"{"order":1001,"cents":7597}"#;

/// The requests printed, in order.
pub const GATEWAY_STEPS: [GatewayStep; 12] = {
    use Caller::{Anonymous, Fresh};
    let mut pay = jwt(
        Fresh(PAYMENT_CLERK),
        "takes a payment",
        ("POST", "/payments"),
        401,
        "the edge lets payment.write through; the API asks for a sign-in under 300 s old",
    );
    pay.step.body = Some(PAYMENT);
    [
        jwt(
            Anonymous,
            "checks the health",
            ("GET", "/health"),
            200,
            "a public route: no token needed, none forwarded",
        ),
        jwt(
            Anonymous,
            "reads the items of order 1001",
            ("GET", "/orders/1001/items"),
            401,
            "refused at the edge: no token",
        ),
        jwt(
            Fresh(CUSTOMER),
            "reads the items of order 1001",
            ("GET", "/orders/1001/items"),
            200,
            "the edge lets order:item through and forwards the JWT as is",
        ),
        jwt(
            Fresh(CUSTOMER),
            "reads the whole order",
            ("GET", "/orders/1001"),
            403,
            "the edge lets order:item through; the API requires order",
        ),
        jwt(
            Fresh(SUPPLIER),
            "tries to read order items",
            ("GET", "/orders/1001/items"),
            403,
            "refused at the edge: neither order:item nor order:shipping",
        ),
        jwt(
            Fresh(SUPPLIER),
            "reads the sales report",
            ("GET", "/reports/sales"),
            200,
            "inventory:sales, at the edge and in the API",
        ),
        jwt(
            Fresh(ADMINISTRATOR),
            "approves transaction 42",
            ("POST", "/transactions/42/approve"),
            200,
            "the edge fills transaction-{tx} from the path",
        ),
        jwt(
            Fresh(ADMINISTRATOR),
            "tries to approve transaction 7",
            ("POST", "/transactions/7/approve"),
            403,
            "refused at the edge: transaction-7 is not granted",
        ),
        pay,
        opaque(
            CUSTOMER,
            "reads their profile with an opaque token",
            "/profile",
            200,
            "introspected at the edge; the profile API gets the signed answer, a phantom token",
        ),
        opaque(
            SUPPLIER,
            "reads their profile with an opaque token",
            "/profile",
            403,
            "refused at the edge: order:item is not granted",
        ),
        opaque(
            CUSTOMER,
            "reads order items with an opaque token",
            "/orders/1001/items",
            401,
            "the inventory routes take JWTs, checked at the edge",
        ),
    ]
};

/// The walkthrough through the gateway at `base`, with JWTs minted by
/// `issuer` and opaque tokens from `opaque`.
pub fn render_gateway_walkthrough(base: &str, issuer: &TestIssuer, opaque: &OpaqueTokens) -> String {
    let mut text = String::new();
    for entry in &GATEWAY_STEPS {
        let token = match (entry.step.caller, entry.presented) {
            (Caller::Anonymous, _) => None,
            (Caller::Fresh(persona) | Caller::Expired(persona), Presented::Jwt) => {
                Some(persona.token(issuer))
            }
            (Caller::Fresh(persona) | Caller::Expired(persona), Presented::Opaque) => {
                Some(opaque.mint(issuer, persona.sub, persona.scopes, TOKEN_LIFETIME))
            }
        };
        let _ = write!(
            text,
            "\n{}\n{}\n",
            entry.step.heading(),
            entry.step.curl(base, token.as_deref())
        );
    }
    text
}
