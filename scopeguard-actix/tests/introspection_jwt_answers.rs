//! RFC 9701 through actix-web: an `AuthMiddleware` whose introspection
//! validator asks for signed answers. A trusted answer is the usual
//! decision (200, or 401 `invalid_token` when it says `active: false`); an
//! answer it cannot trust (another key, another client's `aud`, another
//! `typ`) is an endpoint failure: 503 `temporarily_unavailable` with
//! `Retry-After` and no challenge (SPEC §3.5, §4).
#![cfg(all(feature = "introspection", feature = "test-util"))]

#[path = "../../test-support/shared/introspection_server.rs"]
mod introspection_server;
mod support;

use actix_web::{App, test, web};
use introspection_server::{AUDIENCE, CLIENT_ID, ISSUER, IntrospectionServer, Reply, now};
use scopeguard_actix::core::test_util::TestIssuer;
use scopeguard_actix::{AuthMiddleware, RequireScope};
use serde_json::{Value, json};

fn authorization_server(kid: &str) -> TestIssuer {
    TestIssuer::builder()
        .issuer(ISSUER)
        .kid(kid)
        .build()
        .expect("a test issuer")
}

fn signed(issuer: &TestIssuer, aud: &str, typ: &str, answer: &Value) -> String {
    issuer
        .token()
        .header_typ(typ)
        .audience(aud)
        .claim("token_introspection", answer.clone())
        .sign()
}

#[actix_web::test]
async fn signed_answers_decide_as_the_spec_says_through_actix() {
    let server = IntrospectionServer::start().await;
    let issuer = authorization_server("as-key");
    let forger = authorization_server("as-key");
    let validator = server
        .builder()
        .jwt_answers(issuer.keys())
        .build()
        .expect("a valid configuration");
    let app = test::init_service(
        App::new().service(
            web::resource("/orders")
                .wrap(RequireScope::new("order"))
                .wrap(AuthMiddleware::new(validator))
                .route(web::get().to(|| async { "orders" })),
        ),
    )
    .await;
    let active = json!({
        "active": true, "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 600, "scope": "order",
    });
    let typ = "token-introspection+jwt";
    let untrusted = "temporarily_unavailable";
    let cases = [
        ("active", signed(&issuer, CLIENT_ID, typ, &active), 200, None),
        (
            "inactive",
            signed(&issuer, CLIENT_ID, typ, &json!({"active": false})),
            401,
            Some("invalid_token"),
        ),
        (
            "bad signature",
            signed(&forger, CLIENT_ID, typ, &active),
            503,
            Some(untrusted),
        ),
        (
            "wrong aud",
            signed(&issuer, "another-client", typ, &active),
            503,
            Some(untrusted),
        ),
        (
            "wrong typ",
            signed(&issuer, CLIENT_ID, "at+jwt", &active),
            503,
            Some(untrusted),
        ),
    ];
    for (name, jwt, status, body_error) in cases {
        let token = format!("opaque-{}", name.replace(' ', "-"));
        server.reply(&token, Reply::jwt(jwt));
        let answer = support::get(&app, "/orders", Some(&token)).await;
        assert_eq!(answer.status.as_u16(), status, "{name}: {}", answer.body);
        match status {
            503 => {
                assert_eq!(answer.challenge, None, "{name}");
                assert!(answer.retry_after.is_some(), "{name}");
            }
            401 => {
                let challenge = answer.challenge.as_deref().expect("a challenge");
                assert!(
                    challenge.contains(r#"error="invalid_token""#),
                    "{name}: {challenge}"
                );
            }
            _ => {}
        }
        match body_error {
            Some(error) => {
                let body: Value = serde_json::from_str(&answer.body).expect("a JSON body");
                assert_eq!(body["error"], error, "{name}");
            }
            None => assert_eq!(answer.body, "orders", "{name}"),
        }
    }
}
