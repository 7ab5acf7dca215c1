//! The JSON bodies of the conformance servers' successes (SPEC §7), the
//! same bytes from both frameworks.

use serde::Serialize;

use scopeguard_core::Principal;

/// `{"route": NAME, "sub": SUB or null}`: what every route but `/me` and
/// `/orders` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteBody {
    /// The route's name.
    pub route: &'static str,
    /// The caller's `sub`, `null` when absent or when no token was needed.
    pub sub: Option<String>,
}

impl RouteBody {
    /// The body of `route` answered to `principal`.
    pub fn new(route: &'static str, principal: &Principal) -> Self {
        Self {
            route,
            sub: principal.sub().map(str::to_owned),
        }
    }

    /// The body of a route that takes no token.
    pub fn anonymous(route: &'static str) -> Self {
        Self { route, sub: None }
    }
}

/// The body of `/me`: the route's, plus `client_id` and the token's own
/// granted scopes, sorted, implications not applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeBody {
    /// `me`.
    pub route: &'static str,
    /// The caller's `sub`.
    pub sub: Option<String>,
    /// The caller's `client_id`, `null` when absent.
    pub client_id: Option<String>,
    /// The granted scopes, sorted.
    pub scopes: Vec<String>,
}

impl MeBody {
    /// The `/me` body of `principal`.
    pub fn new(principal: &Principal) -> Self {
        let mut scopes: Vec<String> = principal.scopes().iter().map(str::to_owned).collect();
        scopes.sort_unstable();
        Self {
            route: "me",
            sub: principal.sub().map(str::to_owned),
            client_id: principal.client_id().map(str::to_owned),
            scopes,
        }
    }
}

/// Which view of the orders a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum View {
    /// The token covers `order`.
    Full,
    /// Any other valid token.
    Summary,
}

/// The body of `/orders`: the route's, plus the view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrdersBody {
    /// `orders`.
    pub route: &'static str,
    /// The caller's `sub`.
    pub sub: Option<String>,
    /// `full` or `summary`.
    pub view: View,
}

impl OrdersBody {
    /// The `/orders` body of `principal` in `view`.
    pub fn new(principal: &Principal, view: View) -> Self {
        Self {
            route: "orders",
            sub: principal.sub().map(str::to_owned),
            view,
        }
    }
}

#[cfg(test)]
mod tests {
    use scopeguard_core::GrantedScopes;

    use super::*;

    fn json(body: &impl Serialize) -> String {
        serde_json::to_string(body).expect("serializable")
    }

    #[test]
    fn the_bodies_are_the_spec_json() {
        let principal = Principal::builder()
            .sub("alice")
            .scopes(
                "order admin:write"
                    .parse::<GrantedScopes>()
                    .expect("valid scopes"),
            )
            .build();
        assert_eq!(
            json(&RouteBody::new("price-read", &principal)),
            r#"{"route":"price-read","sub":"alice"}"#
        );
        assert_eq!(
            json(&RouteBody::anonymous("health")),
            r#"{"route":"health","sub":null}"#
        );
        assert_eq!(
            json(&MeBody::new(&principal)),
            r#"{"route":"me","sub":"alice","client_id":null,"scopes":["admin:write","order"]}"#
        );
        assert_eq!(
            json(&OrdersBody::new(&principal, View::Summary)),
            r#"{"route":"orders","sub":"alice","view":"summary"}"#
        );
    }
}
