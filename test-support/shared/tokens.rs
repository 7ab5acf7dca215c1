//! A validator that knows a few tokens by name, shared by the adapters' test
//! suites.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use scopeguard_core::error::{InvalidToken, Unavailable};
use scopeguard_core::{AuthError, Principal, TokenValidator};

/// Seconds since the epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// Knows a few tokens by name:
///
/// | token | outcome |
/// | --- | --- |
/// | `reader` | scopes `order`, authenticated 1000 s ago |
/// | `nobody` | no scopes |
/// | `writer` | `inventory:price.write` |
/// | `tx42` | `transaction-42` |
/// | `tx-decoded` | `transaction-a+b transaction-a/b transaction-a%b` |
/// | `tx-encoded` | `transaction-a%2Bb transaction-a%2Fb transaction-a%25b`: the same, spelled percent-encoded |
/// | `clerk` | `payment.write`, authenticated 10 s ago |
/// | `stale-clerk` | `payment.write`, authenticated an hour ago |
/// | `phr-clerk` | `payment.write`, authenticated 10 s ago with `acr` `phr` |
/// | `auditor` | `admin:read audit:read` |
/// | `admin-reader` | `admin:read` |
/// | `report-reader` | `report:read` |
/// | `keys-down` | key set unavailable, retry after 30 s |
/// | `expired` | expired |
/// | `remembered` | scopes `order`, known only to [`TokenValidator::cached`] |
/// | anything else | invalid signature |
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FixedTokens;

fn principal(sub: &str, scopes: &str, auth_age: u64) -> Principal {
    let claims = serde_json::json!({"sub": sub, "scope": scopes, "tenant": "acme"});
    Principal::builder()
        .sub(sub)
        .scopes(scopes.parse().expect("valid scopes"))
        .auth_time(now() - auth_age)
        .claims(claims.as_object().expect("an object").clone())
        .build()
}

impl TokenValidator for FixedTokens {
    async fn validate(&self, token: &str) -> Result<Principal, AuthError> {
        match token {
            "reader" => Ok(principal("reader", "order", 1000)),
            "nobody" => Ok(principal("nobody", "", 1000)),
            "writer" => Ok(principal("writer", "inventory:price.write", 1000)),
            "tx42" => Ok(principal("tx42", "transaction-42", 1000)),
            "tx-decoded" => Ok(principal(
                "tx-decoded",
                "transaction-a+b transaction-a/b transaction-a%b",
                1000,
            )),
            "tx-encoded" => Ok(principal(
                "tx-encoded",
                "transaction-a%2Bb transaction-a%2Fb transaction-a%25b",
                1000,
            )),
            "clerk" => Ok(principal("clerk", "payment.write", 10)),
            "stale-clerk" => Ok(principal("stale-clerk", "payment.write", 3600)),
            "phr-clerk" => Ok(Principal::builder()
                .sub("phr-clerk")
                .scopes("payment.write".parse().expect("valid scopes"))
                .auth_time(now() - 10)
                .acr("phr")
                .build()),
            "auditor" => Ok(principal("auditor", "admin:read audit:read", 1000)),
            "admin-reader" => Ok(principal("admin-reader", "admin:read", 1000)),
            "report-reader" => Ok(principal("report-reader", "report:read", 1000)),
            "keys-down" => Err(Unavailable::KeySet {
                retry_after: Duration::from_secs(30),
            }
            .into()),
            "expired" => Err(InvalidToken::Expired.into()),
            _ => Err(InvalidToken::InvalidSignature.into()),
        }
    }

    /// `remembered` stands for a token verified before: the layers must ask
    /// here before validating, or it is refused as a bad signature.
    fn cached(&self, token: &[u8]) -> Option<Principal> {
        (token == b"remembered").then(|| principal("remembered", "order", 1000))
    }
}
