//! The authenticated caller: what a validated token says (SPEC §3.2).
//!
//! A [`Principal`] holds the standard claims (`sub`, `client_id`, `iss`,
//! `aud`, `exp`, `iat`, `auth_time`, `acr`), the granted scopes, every claim
//! of the token for typed access with [`Principal::claims`], and the
//! [`ScopePolicy`] it was validated under, so a route's [`Requirement`] is
//! checked with [`Principal::check`]. Cloning is cheap: the claims are shared.
//!
//! ```
//! use scopeguard_core::{AuthError, Principal, Requirement};
//!
//! let principal = Principal::builder()
//!     .sub("alice")
//!     .scopes("order inventory:price".parse().unwrap())
//!     .build();
//!
//! assert!(principal.check(&Requirement::parse("order:item").unwrap(), &()).is_ok());
//! assert_eq!(
//!     principal.check(&Requirement::parse("inventory:price.write").unwrap(), &()),
//!     Err(AuthError::InsufficientScope { scope: Some("inventory:price.write".into()) }),
//! );
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::{DeserializeOwned, IgnoredAny};

use crate::error::DenialRenderer;
use crate::error::{AuthError, StepUpRequired};
use crate::scopes::requirement::{PathParams, StepUp};
use crate::{GrantedScopes, Requirement, ScopePolicy};

/// The caller a validated token describes.
///
/// [`Debug`](fmt::Debug) shows the claim names, never their values.
#[derive(Clone)]
pub struct Principal {
    inner: Arc<Inner>,
    /// How the authentication layer that admitted this principal answers
    /// denials: scope checks further in answer with it.
    renderer: Option<DenialRenderer>,
}

struct Inner {
    sub: Option<String>,
    client_id: Option<String>,
    iss: Option<String>,
    aud: Vec<String>,
    exp: Option<u64>,
    iat: Option<u64>,
    auth_time: Option<u64>,
    /// How far, in seconds, `auth_time` may lie after now and still be an
    /// authentication of now: the clock leeway of the validator that
    /// accepted it, zero for a principal built without one.
    auth_time_leeway: u64,
    acr: Option<String>,
    scopes: GrantedScopes,
    /// The token's claims: the text of one JSON object.
    claims: String,
    policy: Arc<ScopePolicy>,
    /// The access token itself, for calls to other APIs on the caller's
    /// behalf (SPEC §3.8). Never shown by `Debug`, never logged.
    access_token: Option<Box<str>>,
    /// The key the token is bound to: its `cnf.jkt` (RFC 9449 §6).
    jkt: Option<Box<str>>,
    /// The certificate the token is bound to: its `cnf.x5t#S256` (RFC 8705 §3.1).
    x5t_s256: Option<Box<str>>,
    /// The signed introspection answer (RFC 9701) the claims come from.
    introspection_jwt: Option<Box<str>>,
}

impl Principal {
    /// A builder for a principal, for validators and for tests of handlers.
    pub fn builder() -> PrincipalBuilder {
        PrincipalBuilder::default()
    }

    /// The subject (`sub`).
    pub fn sub(&self) -> Option<&str> {
        self.inner.sub.as_deref()
    }

    /// The OAuth client the token was issued to (`client_id`, RFC 9068).
    pub fn client_id(&self) -> Option<&str> {
        self.inner.client_id.as_deref()
    }

    /// The issuer (`iss`).
    pub fn iss(&self) -> Option<&str> {
        self.inner.iss.as_deref()
    }

    /// The audiences (`aud`), a single string being a list of one.
    pub fn aud(&self) -> &[String] {
        &self.inner.aud
    }

    /// The expiry (`exp`), in seconds since the Unix epoch.
    pub fn exp(&self) -> Option<u64> {
        self.inner.exp
    }

    /// The issue time (`iat`), in seconds since the Unix epoch.
    pub fn iat(&self) -> Option<u64> {
        self.inner.iat
    }

    /// When the user authenticated (`auth_time`), in seconds since the Unix
    /// epoch.
    pub fn auth_time(&self) -> Option<u64> {
        self.inner.auth_time
    }

    /// The authentication context class (`acr`).
    pub fn acr(&self) -> Option<&str> {
        self.inner.acr.as_deref()
    }

    /// The scopes the token grants (implications not applied).
    pub fn scopes(&self) -> &GrantedScopes {
        &self.inner.scopes
    }

    /// The policy the principal's scopes are matched under.
    pub fn policy(&self) -> &Arc<ScopePolicy> {
        &self.inner.policy
    }

    /// The token's claims as a user type.
    ///
    /// ```
    /// use scopeguard_core::Principal;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Claims {
    ///     tenant: String,
    /// }
    ///
    /// let mut claims = serde_json::Map::new();
    /// claims.insert("tenant".into(), "acme".into());
    /// let principal = Principal::builder().claims(claims).build();
    /// assert_eq!(principal.claims::<Claims>().unwrap().tenant, "acme");
    /// ```
    pub fn claims<C: DeserializeOwned>(&self) -> Result<C, serde_json::Error> {
        serde_json::from_str(&self.inner.claims)
    }

    /// The RFC 7638 thumbprint of the key the token is bound to: its
    /// `cnf.jkt` (JWT claim or introspection member, RFC 9449 §6), when it
    /// has one. A token bound this way is accepted with a matching DPoP
    /// proof only, and never as a `Bearer` token (SPEC §3.6).
    ///
    /// A `cnf` that is not an object, or a `jkt` that is not a string,
    /// binds the token to no key that exists: `Some("")`, which no proof
    /// matches (fail closed).
    ///
    /// ```
    /// use scopeguard_core::Principal;
    ///
    /// let claims = serde_json::json!({"cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}});
    /// let bound = Principal::builder().claims(claims.as_object().unwrap().clone()).build();
    /// assert_eq!(bound.jkt(), Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));
    /// assert_eq!(Principal::builder().build().jkt(), None);
    /// ```
    pub fn jkt(&self) -> Option<&str> {
        self.inner.jkt.as_deref()
    }

    /// The SHA-256 thumbprint (base64url, no padding) of the DER encoding
    /// of the client certificate the token is bound to: its `cnf.x5t#S256`
    /// (JWT claim or introspection member, RFC 8705 §3.1), when it has one.
    /// A token bound this way is accepted only from a client presenting
    /// that certificate (SPEC §3.7).
    ///
    /// A `cnf` that is not an object, or an `x5t#S256` that is not a
    /// string, binds the token to no certificate that exists: `Some("")`.
    ///
    /// ```
    /// use scopeguard_core::Principal;
    ///
    /// let claims = serde_json::json!({"cnf": {"x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"}});
    /// let bound = Principal::builder().claims(claims.as_object().unwrap().clone()).build();
    /// assert_eq!(bound.x5t_s256(), Some("bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"));
    /// assert_eq!(bound.jkt(), None);
    /// ```
    pub fn x5t_s256(&self) -> Option<&str> {
        self.inner.x5t_s256.as_deref()
    }

    /// The token's claims as the text of a JSON object.
    pub fn claims_json(&self) -> &str {
        &self.inner.claims
    }

    /// The access token this principal was validated from, exactly as the
    /// caller sent it: what a call to another API on the caller's behalf
    /// forwards, or exchanges for a narrower one (SPEC §3.8).
    ///
    /// The JWT and introspection validators set it; a principal built with
    /// [`Principal::builder`] has one only when
    /// [`access_token`](PrincipalBuilder::access_token) was called.
    /// [`Debug`](fmt::Debug) never shows it: keep it out of logs too.
    pub fn access_token(&self) -> Option<&str> {
        self.inner.access_token.as_deref()
    }

    /// The signed introspection answer (RFC 9701) this principal was read
    /// from, when the introspection validator asks for signed answers: a
    /// JWT of the authorization server carrying the token's introspection
    /// result, for a gateway to forward to the APIs behind it (the
    /// phantom-token flow).
    ///
    /// It is a credential: [`Debug`](fmt::Debug) shows only whether there
    /// is one, and scopeguard never logs it.
    pub fn introspection_jwt(&self) -> Option<&str> {
        self.inner.introspection_jwt.as_deref()
    }

    /// The renderer of the authentication layer that admitted this
    /// principal, if one did: the scope checks further in answer a denial
    /// with its realm and body. A principal built by hand has none.
    pub fn denial_renderer(&self) -> Option<&DenialRenderer> {
        self.renderer.as_ref()
    }

    /// This principal, admitted by an authentication layer that answers
    /// denials with `renderer`. Authentication layers call this before they
    /// put the principal into the request's extensions, so that one
    /// extension carries both.
    #[must_use]
    pub fn with_denial_renderer(mut self, renderer: DenialRenderer) -> Self {
        self.renderer = Some(renderer);
        self
    }

    /// Whether both principals share the same validated claims, as when one
    /// was served from a validator's cache of verified tokens.
    pub fn ptr_eq(this: &Self, other: &Self) -> bool {
        Arc::ptr_eq(&this.inner, &other.inner)
    }

    /// Checks a route's requirement (SPEC §2.4, §4): the scopes first, under
    /// the principal's policy, then the step-up options (RFC 9470).
    ///
    /// - `max_age`: the user authenticated at most `max_age` seconds ago,
    ///   by `auth_time`, with no leeway; a principal without `auth_time`
    ///   fails. An `auth_time` after now counts as just authenticated only
    ///   within the clock leeway of the validator that accepted the token
    ///   (clock skew; the validators reject one beyond it); further ahead,
    ///   or in a principal built with [`Principal::builder`], it fails: a
    ///   user cannot have authenticated in the future.
    /// - `acr`: the principal's `acr` is one of the listed values.
    ///
    /// A step-up failure is [`AuthError::StepUpRequired`] carrying every
    /// step-up option of the requirement, so that one new authentication
    /// meets them all.
    pub fn check(
        &self,
        requirement: &Requirement,
        params: &(impl PathParams + ?Sized),
    ) -> Result<(), AuthError> {
        self.inner.policy.check(&self.inner.scopes, requirement, params)?;
        let step_up = requirement.step_up();
        if step_up.is_empty() || self.meets(step_up, unix_now()) {
            Ok(())
        } else {
            Err(AuthError::StepUpRequired(StepUpRequired {
                max_age: step_up.max_age(),
                acr_values: step_up.acr_values().to_vec(),
            }))
        }
    }

    fn meets(&self, step_up: &StepUp, now: u64) -> bool {
        let recent = step_up.max_age().is_none_or(|max_age| {
            self.inner
                .auth_time
                .is_some_and(|auth_time| self.authenticated_within(auth_time, max_age, now))
        });
        let acr = step_up.acr_values().is_empty()
            || self
                .inner
                .acr
                .as_deref()
                .is_some_and(|acr| step_up.acr_values().iter().any(|value| value == acr));
        recent && acr
    }

    /// Whether a user who authenticated at `auth_time` did so at most
    /// `max_age` seconds before `now`. An `auth_time` after now is an age
    /// of zero only within the principal's `auth_time_leeway`: further ahead it is
    /// no authentication at all, or it would meet every `max_age`.
    fn authenticated_within(&self, auth_time: u64, max_age: u64, now: u64) -> bool {
        match auth_time.checked_sub(now) {
            Some(ahead) if ahead > self.inner.auth_time_leeway => {
                tracing::debug!(
                    reason = "auth_time_in_future",
                    ahead_secs = ahead,
                    "a step-up max_age is not met by an authentication time in the future"
                );
                false
            }
            Some(_) => true,
            None => now - auth_time <= max_age,
        }
    }
}

impl fmt::Debug for Principal {
    /// Shows whether there is a subject and which claims there are, never a
    /// claim's value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Presence(bool);
        impl fmt::Debug for Presence {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(if self.0 { "<present>" } else { "<absent>" })
            }
        }
        struct ClaimNames<'a>(&'a str);
        impl fmt::Debug for ClaimNames<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match serde_json::from_str::<BTreeMap<String, IgnoredAny>>(self.0) {
                    Ok(claims) => f.debug_list().entries(claims.keys()).finish(),
                    Err(_) => f.write_str("<unreadable>"),
                }
            }
        }
        f.debug_struct("Principal")
            .field("sub", &Presence(self.inner.sub.is_some()))
            .field("claims", &ClaimNames(&self.inner.claims))
            .field("scope_count", &self.inner.scopes.len())
            .field("access_token", &Presence(self.inner.access_token.is_some()))
            .field(
                "introspection_jwt",
                &Presence(self.inner.introspection_jwt.is_some()),
            )
            .finish_non_exhaustive()
    }
}

/// Builds a [`Principal`].
///
/// The standard fields and the claims map are set independently: a
/// validator sets both from the same token.
///
/// ```
/// use scopeguard_core::Principal;
///
/// let principal = Principal::builder()
///     .sub("alice")
///     .iss("https://issuer.example")
///     .aud(["orders-api"])
///     .exp(4_102_444_800)
///     .build();
/// assert_eq!(principal.aud(), ["orders-api"]);
/// assert_eq!(principal.claims_json(), "{}");
/// ```
#[derive(Default)]
#[must_use]
pub struct PrincipalBuilder {
    pub(crate) sub: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) iss: Option<String>,
    pub(crate) aud: Vec<String>,
    pub(crate) exp: Option<u64>,
    pub(crate) iat: Option<u64>,
    pub(crate) auth_time: Option<u64>,
    /// How far `auth_time` may lie after now and still be an authentication
    /// of now: validators set their clock leeway.
    pub(crate) auth_time_leeway: u64,
    pub(crate) acr: Option<String>,
    pub(crate) scopes: GrantedScopes,
    /// The text of one JSON object.
    pub(crate) claims: Option<String>,
    pub(crate) policy: Option<Arc<ScopePolicy>>,
    /// The raw access token, never shown by `Debug`.
    pub(crate) access_token: Option<Box<str>>,
    /// The signed introspection answer the claims come from.
    pub(crate) introspection_jwt: Option<Box<str>>,
}

impl PrincipalBuilder {
    /// Sets the subject (`sub`).
    #[allow(clippy::should_implement_trait, reason = "named after the claim")]
    pub fn sub(mut self, sub: impl Into<String>) -> Self {
        self.sub = Some(sub.into());
        self
    }

    /// Sets the client (`client_id`).
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Sets the issuer (`iss`).
    pub fn iss(mut self, iss: impl Into<String>) -> Self {
        self.iss = Some(iss.into());
        self
    }

    /// Sets the audiences (`aud`).
    pub fn aud<I>(mut self, aud: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.aud = aud.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the expiry (`exp`), in seconds since the Unix epoch.
    pub fn exp(mut self, exp: u64) -> Self {
        self.exp = Some(exp);
        self
    }

    /// Sets the issue time (`iat`), in seconds since the Unix epoch.
    pub fn iat(mut self, iat: u64) -> Self {
        self.iat = Some(iat);
        self
    }

    /// Sets when the user authenticated (`auth_time`), in seconds since the
    /// Unix epoch.
    pub fn auth_time(mut self, auth_time: u64) -> Self {
        self.auth_time = Some(auth_time);
        self
    }

    /// Sets the authentication context class (`acr`).
    pub fn acr(mut self, acr: impl Into<String>) -> Self {
        self.acr = Some(acr.into());
        self
    }

    /// Sets the granted scopes.
    pub fn scopes(mut self, scopes: GrantedScopes) -> Self {
        self.scopes = scopes;
        self
    }

    /// Sets the claims read by [`Principal::claims`] (default: none).
    pub fn claims(mut self, claims: serde_json::Map<String, serde_json::Value>) -> Self {
        self.claims = Some(serde_json::Value::Object(claims).to_string());
        self
    }

    /// Sets the policy the scopes are matched under (default:
    /// [`ScopePolicy::default`]).
    pub fn policy(mut self, policy: Arc<ScopePolicy>) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Sets the access token the principal stands for, as the caller sent
    /// it (default: none): what forwarding and token exchange (SPEC §3.8)
    /// send on. Validators set it; tests of handlers that call other APIs
    /// may too.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(token.into().into_boxed_str());
        self
    }

    /// Builds the principal. Its [`jkt`](Principal::jkt) and
    /// [`x5t_s256`](Principal::x5t_s256) are read from the claims' `cnf`
    /// member.
    pub fn build(self) -> Principal {
        let confirmation = self
            .claims
            .as_deref()
            .map(super::confirmation::Confirmation::of_claims)
            .unwrap_or_default();
        Principal {
            inner: Arc::new(Inner {
                sub: self.sub,
                client_id: self.client_id,
                iss: self.iss,
                aud: self.aud,
                exp: self.exp,
                iat: self.iat,
                auth_time: self.auth_time,
                auth_time_leeway: self.auth_time_leeway,
                acr: self.acr,
                scopes: self.scopes,
                claims: self.claims.unwrap_or_else(|| "{}".to_owned()),
                policy: self.policy.unwrap_or_default(),
                access_token: self.access_token,
                jkt: confirmation.jkt,
                x5t_s256: confirmation.x5t_s256,
                introspection_jwt: self.introspection_jwt,
            }),
            renderer: None,
        }
    }
}

impl fmt::Debug for PrincipalBuilder {
    /// Shows the standard fields; the access token only as present or not.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrincipalBuilder")
            .field("sub", &self.sub)
            .field("client_id", &self.client_id)
            .field("iss", &self.iss)
            .field("aud", &self.aud)
            .field("exp", &self.exp)
            .field("iat", &self.iat)
            .field("auth_time", &self.auth_time)
            .field("auth_time_leeway", &self.auth_time_leeway)
            .field("acr", &self.acr)
            .field("scopes", &self.scopes)
            .field("claims", &self.claims)
            .field("policy", &self.policy)
            .field("access_token", &self.access_token.as_ref().map(|_| "<redacted>"))
            .field(
                "introspection_jwt",
                &self.introspection_jwt.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The current time in seconds since the Unix epoch (0 before it).
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}
