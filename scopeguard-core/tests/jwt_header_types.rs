//! SPEC §3.2: JOSE header members of the wrong type (RFC 7515 §4.1: `alg`,
//! `typ` and `kid` are strings). A member that is present is read as
//! present: `null`, a number, an object or an array is a malformed header,
//! never an absent member.

mod support;

use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::jwt::{Algorithm, TypeCheck};
use serde_json::{Value, json};
use support::{Signer, builder, claims, rejection, validator};

/// Values of a type no JOSE header member here has.
fn not_strings() -> [Value; 6] {
    [
        Value::Null,
        json!(7),
        json!(true),
        json!({}),
        json!({"kid": "rsa"}),
        json!(["rsa"]),
    ]
}

/// A token signed by the RSA test key under the well-formed header with
/// `member` replaced by `value`.
fn with_header_member(member: &str, value: &Value) -> String {
    let signer = Signer::rsa(Algorithm::RS256);
    let mut header = signer.header();
    header[member] = value.clone();
    signer.sign_with_header(&header, &claims())
}

#[tokio::test]
async fn the_well_formed_header_is_accepted() {
    let header = Signer::rsa(Algorithm::RS256).header();
    for member in ["alg", "typ", "kid"] {
        let token = with_header_member(member, &header[member]);
        validator().validate(&token).await.expect("a valid token");
    }
}

#[tokio::test]
async fn a_typ_that_is_not_a_string_is_malformed_not_absent() {
    let strict = builder().type_check(TypeCheck::AccessTokenOnly).build().unwrap();
    for typ in not_strings() {
        let token = with_header_member("typ", &typ);
        assert_eq!(
            rejection(&validator(), &token).await,
            InvalidToken::Malformed,
            "typ {typ}"
        );
        assert_eq!(
            rejection(&strict, &token).await,
            InvalidToken::Malformed,
            "typ {typ}, strict"
        );
    }
}

#[tokio::test]
async fn a_kid_that_is_not_a_string_is_malformed_not_absent() {
    // With no usable `kid`, the only RSA key would verify the token: a
    // `kid` that is not a string must not fall back to it.
    for kid in not_strings() {
        let token = with_header_member("kid", &kid);
        assert_eq!(
            rejection(&validator(), &token).await,
            InvalidToken::Malformed,
            "kid {kid}"
        );
    }
}

#[tokio::test]
async fn an_alg_that_is_not_a_string_is_malformed() {
    let mut values = not_strings().to_vec();
    values.push(json!(["RS256"]));
    for alg in values {
        let token = with_header_member("alg", &alg);
        assert_eq!(
            rejection(&validator(), &token).await,
            InvalidToken::Malformed,
            "alg {alg}"
        );
    }
}

#[tokio::test]
async fn a_wrong_type_is_answered_401_invalid_token() {
    let error = validator()
        .validate(&with_header_member("kid", &Value::Null))
        .await
        .unwrap_err();
    assert_eq!(
        (error.status(), error.error_code(), error.label()),
        (401, Some("invalid_token"), "malformed_jwt")
    );
}
