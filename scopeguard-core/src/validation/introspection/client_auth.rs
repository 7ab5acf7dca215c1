//! How the resource server authenticates to the introspection endpoint
//! (RFC 7662 §2.1, RFC 6749 §2.3.1).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Client, RequestBuilder, Url};

/// How the client credentials reach the introspection endpoint (the
/// `token_endpoint_auth_method` names of RFC 7591).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ClientAuthentication {
    /// HTTP Basic: `Authorization: Basic base64(id ":" secret)`, the id and
    /// the secret each form-urlencoded first (RFC 6749 §2.3.1). The default.
    #[default]
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
}

/// The resource server's client id and secret, and how they are sent.
///
/// [`Debug`](fmt::Debug) shows the id and the method, never the secret.
#[derive(Clone)]
pub(crate) struct ClientCredentials {
    id: String,
    secret: String,
    method: ClientAuthentication,
    /// The `Authorization` value for [`ClientAuthentication::ClientSecretBasic`].
    basic: Option<HeaderValue>,
}

impl ClientCredentials {
    pub(crate) fn new(id: String, secret: String, method: ClientAuthentication) -> Self {
        let basic = match method {
            ClientAuthentication::ClientSecretBasic => {
                let pair = format!("{}:{}", form_encoded(&id), form_encoded(&secret));
                HeaderValue::try_from(format!("Basic {}", STANDARD.encode(pair)))
                    .ok()
                    .map(|mut value| {
                        value.set_sensitive(true);
                        value
                    })
            }
            ClientAuthentication::ClientSecretPost => None,
        };
        Self {
            id,
            secret,
            method,
            basic,
        }
    }

    /// The introspection request for `token` (RFC 7662 §2.1): a form post of
    /// `token` and `token_type_hint=access_token`, asking for JSON, with the
    /// client authenticated.
    pub(super) fn request(&self, client: &Client, url: &Url, token: &str, accept: &str) -> RequestBuilder {
        self.form_post(
            client,
            url,
            &[("token", token), ("token_type_hint", "access_token")],
            accept,
        )
    }

    /// A form post of `pairs` to `url`, asking for `accept`, with the client
    /// authenticated: in the `Authorization` header, or as `client_id` and
    /// `client_secret` after `pairs` (RFC 6749 §2.3.1).
    pub(crate) fn form_post(
        &self,
        client: &Client,
        url: &Url,
        pairs: &[(&str, &str)],
        accept: &str,
    ) -> RequestBuilder {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.extend_pairs(pairs);
        if self.method == ClientAuthentication::ClientSecretPost {
            form.append_pair("client_id", &self.id)
                .append_pair("client_secret", &self.secret);
        }
        let request = client
            .post(url.clone())
            .header(ACCEPT, accept)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form.finish());
        match &self.basic {
            Some(basic) => request.header(AUTHORIZATION, basic.clone()),
            None => request,
        }
    }
}

/// The `application/x-www-form-urlencoded` encoding of one value.
fn form_encoded(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_encoded_before_base64() {
        let credentials = ClientCredentials::new(
            "my client".into(),
            "p@ss:word+&".into(),
            ClientAuthentication::ClientSecretBasic,
        );
        let basic = credentials.basic.as_ref().unwrap();
        let encoded = basic.to_str().unwrap().strip_prefix("Basic ").unwrap();
        let decoded = String::from_utf8(STANDARD.decode(encoded).unwrap()).unwrap();
        assert_eq!(decoded, "my+client:p%40ss%3Aword%2B%26");
        assert!(basic.is_sensitive());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        for method in [
            ClientAuthentication::ClientSecretBasic,
            ClientAuthentication::ClientSecretPost,
        ] {
            let credentials = ClientCredentials::new("api".into(), "hunter2-secret".into(), method);
            let debug = format!("{credentials:?}");
            assert!(debug.contains("api") && !debug.contains("hunter2"), "{debug}");
            assert!(!debug.contains(&STANDARD.encode("api:hunter2-secret")), "{debug}");
        }
    }
}
