//! Who a conformance case's request is from, and the provider tokens that
//! stand for them.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::oidc_support::OidcProvider;

/// The servers' audience: the resource indicator tokens are asked for.
pub(crate) const AUDIENCE: &str = "https://conformance.scopeguard.test";
/// Another resource server of the same provider.
pub(crate) const OTHER_AUDIENCE: &str = "https://other.scopeguard.test";

/// Who a case's request is from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Caller {
    /// No `Authorization` header.
    Nobody,
    /// This `Authorization` value, as is.
    Raw(&'static str),
    /// A provider token for [`AUDIENCE`] granting these scopes.
    Scopes(&'static str),
    /// A provider token for [`OTHER_AUDIENCE`].
    OtherAudience,
}

/// Provider tokens, one per scope list.
pub(crate) struct Tokens<'a> {
    provider: &'a OidcProvider,
    issued: HashMap<(&'static str, &'static str), String>,
}

impl<'a> Tokens<'a> {
    /// No token asked for yet.
    pub(crate) fn new(provider: &'a OidcProvider) -> Self {
        Self {
            provider,
            issued: HashMap::new(),
        }
    }

    /// The `Authorization` value of `caller`, when it sends one.
    pub(crate) async fn authorization(&mut self, caller: Caller) -> Option<String> {
        let (scopes, resource) = match caller {
            Caller::Nobody => return None,
            Caller::Raw(value) => return Some(value.to_owned()),
            Caller::Scopes(scopes) => (scopes, AUDIENCE),
            Caller::OtherAudience => ("order", OTHER_AUDIENCE),
        };
        if !self.issued.contains_key(&(scopes, resource)) {
            let token = self
                .provider
                .client_credentials(scopes, resource)
                .await
                .unwrap_or_else(|error| panic!("a token for {scopes:?}: {error:?}"));
            self.issued.insert((scopes, resource), token.secret().to_owned());
        }
        Some(format!("Bearer {}", self.issued[&(scopes, resource)]))
    }
}

/// The claims of a compact JWS, decoded without verification.
pub(crate) fn payload(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON claims")
}
