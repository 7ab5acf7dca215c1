//! What the inventory demos must answer, written here from SPEC §2.3, §2.4
//! and §4 and the routes' requirements (`src/bin/inventory-api*.rs`), not
//! read from what the demos print: the callers, their scopes, and the
//! answer each caller gets on each route.

/// Who calls. The personas are the demo's; their scopes are written here
/// too, and checked against the tokens the demo prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// `alice`: `order:item order:shipping inventory:price payment.write`,
    /// signed in when the token was issued.
    Customer,
    /// `carol`: `order inventory.write transaction-42`.
    Administrator,
    /// `acme-supplies`: `inventory:sales inventory:price`.
    Supplier,
    /// `bob`: `payment.write order:item`, signed in an hour before the
    /// token was issued.
    PaymentClerk,
    /// The customer with a token past its `exp`.
    ExpiredCustomer,
    /// No `Authorization` header.
    Anonymous,
}

/// The callers, in the order of the table's columns.
pub(crate) const CALLERS: [Caller; 6] = [
    Caller::Customer,
    Caller::Administrator,
    Caller::Supplier,
    Caller::PaymentClerk,
    Caller::ExpiredCustomer,
    Caller::Anonymous,
];

/// A persona's subject and the scopes its token must grant.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Persona {
    pub(crate) sub: &'static str,
    pub(crate) scopes: &'static str,
    /// The caller holding an unexpired token of this persona.
    pub(crate) caller: Caller,
}

/// The personas the demo mints tokens for.
pub(crate) const PERSONAS: [Persona; 4] = [
    Persona {
        sub: "alice",
        scopes: "order:item order:shipping inventory:price payment.write",
        caller: Caller::Customer,
    },
    Persona {
        sub: "carol",
        scopes: "order inventory.write transaction-42",
        caller: Caller::Administrator,
    },
    Persona {
        sub: "acme-supplies",
        scopes: "inventory:sales inventory:price",
        caller: Caller::Supplier,
    },
    Persona {
        sub: "bob",
        scopes: "payment.write order:item",
        caller: Caller::PaymentClerk,
    },
];

/// What a route answers a caller (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// 200.
    Allowed,
    /// 401 with no `error` in the challenge; body `missing_token`.
    NoToken,
    /// 401 `invalid_token`.
    InvalidToken,
    /// 401 `insufficient_user_authentication`, `max_age="300"`.
    StepUp,
    /// 403 `insufficient_scope` with the route's `scope` attribute.
    Forbidden,
}

impl Answer {
    pub(crate) fn status(self) -> u16 {
        match self {
            Self::Allowed => 200,
            Self::NoToken | Self::InvalidToken | Self::StepUp => 401,
            Self::Forbidden => 403,
        }
    }

    /// The `error` of the challenge and of the JSON body.
    pub(crate) fn error(self) -> Option<&'static str> {
        match self {
            Self::Allowed => None,
            Self::NoToken => Some("missing_token"),
            Self::InvalidToken => Some("invalid_token"),
            Self::StepUp => Some("insufficient_user_authentication"),
            Self::Forbidden => Some("insufficient_scope"),
        }
    }
}

/// One cell of the table: the answer, and whether the demo's walkthrough
/// must print this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cell {
    pub(crate) answer: Answer,
    pub(crate) printed: bool,
}

const OK: Cell = cell(Answer::Allowed);
const NO_TOKEN: Cell = cell(Answer::NoToken);
const EXPIRED: Cell = cell(Answer::InvalidToken);
const STEP_UP: Cell = cell(Answer::StepUp);
const DENIED: Cell = cell(Answer::Forbidden);

const fn cell(answer: Answer) -> Cell {
    Cell {
        answer,
        printed: false,
    }
}

/// The same cell, printed by the walkthrough.
const fn p(cell: Cell) -> Cell {
    Cell {
        printed: true,
        ..cell
    }
}

/// A route of the demo and its answers, one per caller of [`CALLERS`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Route {
    pub(crate) method: &'static str,
    /// The path; a `{name}` segment matches any value.
    pub(crate) pattern: &'static str,
    pub(crate) body: Option<&'static str>,
    /// The requirement, as the route declares it.
    pub(crate) requires: &'static str,
    /// The `scope` attribute of a 403 (SPEC §4: the first alternative of
    /// an `any`, a template filled in).
    pub(crate) scope: Option<&'static str>,
    pub(crate) answers: [Cell; 6],
}

const fn route(
    (method, pattern, body): (&'static str, &'static str, Option<&'static str>),
    requires: &'static str,
    scope: Option<&'static str>,
    answers: [Cell; 6],
) -> Route {
    Route {
        method,
        pattern,
        body,
        requires,
        scope,
        answers,
    }
}

/// Every route, every caller. Columns: customer, administrator, supplier,
/// payment clerk, expired customer, anonymous.
#[rustfmt::skip]
pub(crate) const ROUTES: [Route; 14] = [
    route(("GET", "/health", None), "none", None,
        [OK, OK, OK, OK, OK, p(OK)]),
    route(("GET", "/me", None), "a valid token", None,
        [OK, OK, OK, OK, EXPIRED, NO_TOKEN]),
    // `order:item` does not cover `order`.
    route(("GET", "/orders/{id}", None), "order", Some("order"),
        [p(DENIED), p(OK), DENIED, DENIED, EXPIRED, NO_TOKEN]),
    // `order` covers `order:item`.
    route(("GET", "/orders/{id}/items", None), "order:item", Some("order:item"),
        [p(OK), OK, p(DENIED), p(OK), p(EXPIRED), p(NO_TOKEN)]),
    // `order:shipping` covers its sub-scopes; `order:item` does not.
    route(("GET", "/orders/{id}/shipping/status", None), "order:shipping:status", Some("order:shipping:status"),
        [p(OK), OK, DENIED, DENIED, EXPIRED, NO_TOKEN]),
    route(("GET", "/orders/{id}/shipping/address", None), "order:shipping:address", Some("order:shipping:address"),
        [p(OK), OK, DENIED, DENIED, EXPIRED, NO_TOKEN]),
    // The call to the shipping API (SPEC §3.8): `order` covers `order:shipping`
    // and is narrowed to it by the exchange; nothing is exchanged without it.
    route(("GET", "/orders/{id}/shipping/tracking", None), "order:shipping", Some("order:shipping"),
        [p(OK), p(OK), p(DENIED), DENIED, EXPIRED, NO_TOKEN]),
    // `inventory.write` covers `inventory`; `inventory:price` does not.
    route(("GET", "/inventory/{sku}", None), "inventory", Some("inventory"),
        [DENIED, p(OK), p(DENIED), DENIED, EXPIRED, NO_TOKEN]),
    route(("GET", "/inventory/{sku}/price", None), "inventory:price", Some("inventory:price"),
        [p(OK), OK, p(OK), DENIED, EXPIRED, NO_TOKEN]),
    // Read access does not cover write access.
    route(("PUT", "/inventory/{sku}/price", Some(r#"{"cents":1199}"#)), "inventory:price.write", Some("inventory:price.write"),
        [p(DENIED), p(OK), DENIED, DENIED, EXPIRED, NO_TOKEN]),
    // `inventory.write` covers `inventory:sales` too.
    route(("GET", "/reports/sales", None), r#"any("inventory:sales", "report:read")"#, Some("inventory:sales"),
        [DENIED, OK, p(OK), DENIED, EXPIRED, NO_TOKEN]),
    // A template scope is granted exactly.
    route(("POST", "/transactions/42/approve", None), "transaction-{tx}", Some("transaction-42"),
        [DENIED, p(OK), DENIED, DENIED, EXPIRED, NO_TOKEN]),
    route(("POST", "/transactions/7/approve", None), "transaction-{tx}", Some("transaction-7"),
        [DENIED, p(DENIED), DENIED, DENIED, EXPIRED, NO_TOKEN]),
    // Scopes first, then the sign-in's age.
    route(("POST", "/payments", Some(r#"{"order":1001,"cents":7597}"#)), "payment.write, max_age = 300", Some("payment.write"),
        [p(OK), p(DENIED), DENIED, p(STEP_UP), EXPIRED, NO_TOKEN]),
];

/// The values put into a pattern's `{name}` segments for a request.
const SAMPLES: [(&str, &str); 2] = [("{id}", "1001"), ("{sku}", "A-100")];

impl Route {
    /// A path this route serves.
    pub(crate) fn path(&self) -> String {
        SAMPLES
            .iter()
            .fold(self.pattern.to_owned(), |path, (name, value)| {
                path.replace(name, value)
            })
    }

    /// Whether this route serves `method` on `path`.
    pub(crate) fn serves(&self, method: &str, path: &str) -> bool {
        let pattern = self.pattern.split('/');
        method == self.method
            && pattern.clone().count() == path.split('/').count()
            && pattern
                .zip(path.split('/'))
                .all(|(expected, segment)| expected == segment || expected.starts_with('{'))
    }

    /// The cell of `caller`.
    pub(crate) fn answer(&self, caller: Caller) -> Cell {
        let column = CALLERS
            .iter()
            .position(|known| *known == caller)
            .expect("every caller has a column");
        self.answers[column]
    }
}

/// A request the walkthrough printed: who, what, and the status promised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrintedRequest {
    pub(crate) caller: Caller,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) promised: u16,
}

/// Where the printed walkthrough and the table disagree: a printed request
/// the table does not mark, a promised status other than the table's, or a
/// marked request the walkthrough does not print.
pub(crate) fn walkthrough_problems(printed: &[PrintedRequest]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for request in printed {
        let PrintedRequest {
            caller,
            method,
            path,
            promised,
        } = request;
        let Some(route) = ROUTES.iter().find(|route| route.serves(method, path)) else {
            problems.push(format!(
                "{caller:?} {method} {path}: a route the table does not know"
            ));
            continue;
        };
        let cell = route.answer(*caller);
        if !cell.printed {
            problems.push(format!(
                "{caller:?} {method} {path}: printed, but the table does not expect it in the walkthrough"
            ));
        }
        if *promised != cell.answer.status() {
            problems.push(format!(
                "{caller:?} {method} {path}: the demo promises {promised}, the table says {} ({:?})",
                cell.answer.status(),
                cell.answer
            ));
        }
        seen.push((*caller, route.method, route.pattern));
    }
    for route in &ROUTES {
        for caller in CALLERS {
            if route.answer(caller).printed && !seen.contains(&(caller, route.method, route.pattern)) {
                problems.push(format!(
                    "{caller:?} {} {}: missing from the walkthrough",
                    route.method, route.pattern
                ));
            }
        }
    }
    problems
}
