//! The test issuer as a token endpoint (SPEC §3.8, §8): it answers token
//! exchange requests in memory, downscoping only, so the exchange path of
//! a service is testable with no network.

use serde_json::json;

use super::TestIssuer;
use crate::GrantedScopes;
use crate::downstream::{
    ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, TokenEndpoint, TokenEndpointAnswer, TokenEndpointFuture,
    TokenExchangerBuilder,
};
use crate::validation::jwt::JwtValidator;
use crate::validation::principal::unix_now;

/// The JWT token type (RFC 8693 §3), also accepted as `requested_token_type`.
const JWT_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";

impl TestIssuer {
    /// Answers a token request as an authorization server would (RFC 8693
    /// §2.2): the token-exchange grant only, with these rules:
    ///
    /// - `subject_token` must be an access token this issuer signed, still
    ///   valid (any audience), with `subject_token_type` the access-token
    ///   type; else 400 `invalid_grant` (or `invalid_request`).
    /// - `scope`, when present, must be covered by the subject token's
    ///   scopes under the default policy (SPEC §2.3): downscoping only;
    ///   else 400 `invalid_scope`. Without `scope` the new token keeps the
    ///   subject's scopes.
    /// - The new token has the subject's `sub`, `client_id` and `exp`; its
    ///   `aud` is the `audience` and `resource` parameters, or this
    ///   issuer's audience when there are none.
    ///
    /// Clients are not authenticated: any credentials are accepted.
    ///
    /// ```
    /// use scopeguard_core::test_util::TestIssuer;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let issuer = TestIssuer::new();
    /// let subject = issuer.token().scopes("order").sign();
    /// let answer = issuer
    ///     .answer_token_request(&[
    ///         ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
    ///         ("subject_token", &subject),
    ///         ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"),
    ///         ("scope", "order:shipping"),
    ///     ])
    ///     .await;
    /// assert_eq!(answer.status, 200);
    /// # }
    /// ```
    pub async fn answer_token_request(&self, form: &[(&str, &str)]) -> TokenEndpointAnswer {
        let param = |name: &str| form.iter().find(|(key, _)| *key == name).map(|(_, value)| *value);
        if param("grant_type") != Some(TOKEN_EXCHANGE_GRANT) {
            return refusal("unsupported_grant_type");
        }
        let (Some(subject), Some(ACCESS_TOKEN_TYPE)) = (param("subject_token"), param("subject_token_type"))
        else {
            return refusal("invalid_request");
        };
        if param("requested_token_type")
            .is_some_and(|wanted| wanted != ACCESS_TOKEN_TYPE && wanted != JWT_TOKEN_TYPE)
        {
            return refusal("invalid_request");
        }
        let Ok(validator) = JwtValidator::builder()
            .issuer(self.issuer(), self.keys())
            .algorithms([self.algorithm()])
            .disable_audience_check()
            .without_token_cache()
            .build()
        else {
            return refusal("server_error");
        };
        let Ok(principal) = validator.validate(subject).await else {
            return refusal("invalid_grant");
        };
        let scopes = match param("scope").map(GrantedScopes::from_space_delimited) {
            None => principal.scopes().clone(),
            Some(Err(_)) => return refusal("invalid_scope"),
            Some(Ok(requested)) => {
                let policy = principal.policy();
                let effective = policy.effective_scopes(principal.scopes());
                let covered = requested.iter().all(|wanted| {
                    effective
                        .iter()
                        .any(|granted| policy.scope_covers(granted, wanted))
                });
                if !covered {
                    return refusal("invalid_scope");
                }
                requested
            }
        };
        let audiences: Vec<&str> = form
            .iter()
            .filter(|(key, _)| matches!(*key, "audience" | "resource"))
            .map(|(_, value)| *value)
            .collect();
        let exp = principal.exp().unwrap_or_else(unix_now);
        let mut token = self
            .token()
            .scopes(scopes.as_space_delimited())
            .claim("exp", exp.into());
        token = match principal.sub() {
            Some(sub) => token.sub(sub),
            None => token.without_claim("sub"),
        };
        token = match principal.client_id() {
            Some(client_id) => token.client_id(client_id),
            None => token.without_claim("client_id"),
        };
        if !audiences.is_empty() {
            token = token.audiences(audiences);
        }
        let body = json!({
            "access_token": token.sign(),
            "issued_token_type": ACCESS_TOKEN_TYPE,
            "token_type": "Bearer",
            "expires_in": exp.saturating_sub(unix_now()),
            "scope": scopes.as_space_delimited(),
        });
        TokenEndpointAnswer {
            status: 200,
            body: body.to_string().into_bytes(),
        }
    }

    /// [`answer_token_request`](Self::answer_token_request) for a form body
    /// (`application/x-www-form-urlencoded`), as a token endpoint served
    /// over HTTP receives it.
    pub async fn answer_token_request_body(&self, body: &[u8]) -> TokenEndpointAnswer {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        let form: Vec<(&str, &str)> = pairs.iter().map(|(key, value)| (&**key, &**value)).collect();
        self.answer_token_request(&form).await
    }

    /// A [`TokenExchanger`](crate::downstream::TokenExchanger) builder whose
    /// token endpoint is this issuer, in memory: no network, no client
    /// credentials. Set the scopes, audience and the rest as in production.
    ///
    /// ```
    /// use scopeguard_core::test_util::TestIssuer;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let issuer = TestIssuer::new();
    /// let exchanger = issuer.exchanger_builder().scopes("order:shipping").build()?;
    /// let caller = issuer.validator().validate(&issuer.token().sub("alice").scopes("order").sign()).await?;
    ///
    /// let token = exchanger.exchange(&caller).await?;
    /// let downstream = issuer.validator().validate(token.access_token()).await?;
    /// assert_eq!(downstream.sub(), Some("alice"));
    /// assert_eq!(downstream.scopes().as_space_delimited(), "order:shipping");
    /// assert_eq!(downstream.exp(), caller.exp());
    /// # Ok(())
    /// # }
    /// ```
    pub fn exchanger_builder(&self) -> TokenExchangerBuilder {
        crate::downstream::TokenExchanger::builder().endpoint(self.clone())
    }
}

/// A 400 answer with an OAuth error (RFC 6749 §5.2).
fn refusal(error: &str) -> TokenEndpointAnswer {
    TokenEndpointAnswer {
        status: 400,
        body: json!({ "error": error }).to_string().into_bytes(),
    }
}

impl TokenEndpoint for TestIssuer {
    fn answer<'a>(&'a self, form: &'a [(&'a str, &'a str)]) -> TokenEndpointFuture<'a> {
        Box::pin(async move { Ok(self.answer_token_request(form).await) })
    }
}
