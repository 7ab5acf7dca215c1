//! RFC 8725 attacks on JWT validation (SPEC §3.2): each must fail closed.

mod support;

use jsonwebtoken::EncodingKey;
use scopeguard_core::TokenValidator;
use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::jwt::{Algorithm, JwtValidator};
use scopeguard_core::validation::keys::{KeySet, StaticKeys, VerificationKey};
use serde_json::json;
use support::{AUDIENCE, ISSUER, RSA_PUBLIC, Signer, b64, builder, claims, rejection, validator};

/// Replaces the payload of a signed token, keeping its header and signature.
fn with_payload(token: &str, claims: &serde_json::Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    format!("{}.{}.{}", parts[0], b64(claims.to_string()), parts[2])
}

#[tokio::test]
async fn alg_none_is_never_accepted_in_any_spelling() {
    let hmac_too = builder()
        .algorithms([Algorithm::HS256, Algorithm::RS256])
        .build()
        .unwrap();
    let signed = Signer::rsa(Algorithm::RS256).sign(&claims());
    let signature = signed.rsplit('.').next().unwrap();
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = json!({"alg": alg, "typ": "at+jwt", "kid": "rsa"}).to_string();
        let unsigned = format!("{}.{}.", b64(&header), b64(claims().to_string()));
        let with_signature = format!("{unsigned}{signature}");
        for validator in [&validator(), &hmac_too] {
            assert_eq!(
                rejection(validator, &unsigned).await,
                InvalidToken::AlgorithmNotAllowed,
                "{alg}"
            );
            assert_eq!(
                rejection(validator, &with_signature).await,
                InvalidToken::AlgorithmNotAllowed,
                "{alg}"
            );
        }
    }
}

#[tokio::test]
async fn algorithms_outside_the_allowlist_are_rejected() {
    let rs256_only = builder().algorithms([Algorithm::RS256]).build().unwrap();
    let token = Signer::rsa(Algorithm::PS256).sign(&claims());
    assert_eq!(
        rejection(&rs256_only, &token).await,
        InvalidToken::AlgorithmNotAllowed
    );
    for alg in ["HS1", "RS1", "ES512", "rs256", "", "EdDSA "] {
        let header = json!({"alg": alg, "kid": "rsa"}).to_string();
        let token = format!("{}.{}.c2ln", b64(&header), b64(claims().to_string()));
        assert_eq!(
            rejection(&validator(), &token).await,
            InvalidToken::AlgorithmNotAllowed,
            "{alg:?}"
        );
    }
}

#[tokio::test]
async fn hmac_is_rejected_unless_explicitly_allowed() {
    let token = Signer::hmac().sign(&claims());
    assert_eq!(
        rejection(&validator(), &token).await,
        InvalidToken::AlgorithmNotAllowed
    );
}

#[tokio::test]
async fn an_rsa_public_key_is_never_used_as_an_hmac_secret() {
    let forged = Signer::new(
        Algorithm::HS256,
        Some("rsa"),
        EncodingKey::from_secret(RSA_PUBLIC),
    );
    // Default allowlist: HS256 is not allowed at all.
    assert_eq!(
        rejection(&validator(), &forged.sign(&claims())).await,
        InvalidToken::AlgorithmNotAllowed
    );
    // HS256 allowed, but the only key is an RSA key: it never verifies HMAC.
    let rsa_only = JwtValidator::builder()
        .issuer(
            ISSUER,
            StaticKeys::new(KeySet::new([VerificationKey::rsa_pem(RSA_PUBLIC)
                .unwrap()
                .with_kid("rsa")])),
        )
        .audience(AUDIENCE)
        .algorithms([Algorithm::HS256, Algorithm::RS256])
        .build()
        .unwrap();
    assert_eq!(
        rejection(&rsa_only, &forged.sign(&claims())).await,
        InvalidToken::UnknownKey
    );
    let forged_without_kid = forged.with_kid(None);
    assert_eq!(
        rejection(&rsa_only, &forged_without_kid.sign(&claims())).await,
        InvalidToken::UnknownKey
    );
}

#[tokio::test]
async fn a_tampered_payload_fails_the_signature() {
    let token = Signer::rsa(Algorithm::RS256).sign(&claims());
    let mut escalated = claims();
    escalated["scope"] = json!("admin");
    let tampered = with_payload(&token, &escalated);
    assert_eq!(
        rejection(&validator(), &tampered).await,
        InvalidToken::InvalidSignature
    );
}

#[tokio::test]
async fn a_tampered_signature_fails() {
    for signer in [Signer::rsa(Algorithm::RS256), Signer::p256(), Signer::ed25519()] {
        let token = signer.sign(&claims());
        assert!(validator().validate(&token).await.is_ok());
        let middle = token.len() - 10;
        let flipped = if token.as_bytes()[middle] == b'A' {
            "B"
        } else {
            "A"
        };
        let tampered = format!("{}{flipped}{}", &token[..middle], &token[middle + 1..]);
        assert_eq!(
            rejection(&validator(), &tampered).await,
            InvalidToken::InvalidSignature
        );
    }
}

#[tokio::test]
async fn the_signature_is_checked_before_the_claims() {
    let mut expired = claims();
    expired["exp"] = json!(support::now() - 3600);
    let token = Signer::attacker_rsa().sign(&expired);
    assert_eq!(
        rejection(&validator(), &token).await,
        InvalidToken::InvalidSignature
    );
}

#[tokio::test]
async fn exp_iss_and_aud_are_required() {
    let signer = Signer::rsa(Algorithm::RS256);
    for claim in ["exp", "iss", "aud"] {
        let mut missing = claims();
        missing.as_object_mut().unwrap().remove(claim);
        assert_eq!(
            rejection(&validator(), &signer.sign(&missing)).await,
            InvalidToken::MissingClaim,
            "{claim}"
        );
    }
}

#[tokio::test]
async fn a_wrong_issuer_or_audience_is_rejected() {
    let signer = Signer::rsa(Algorithm::RS256);
    let mut other_issuer = claims();
    other_issuer["iss"] = json!("https://issuer.example/");
    assert_eq!(
        rejection(&validator(), &signer.sign(&other_issuer)).await,
        InvalidToken::InvalidIssuer
    );
    let mut other_audience = claims();
    other_audience["aud"] = json!(["billing-api", "orders"]);
    assert_eq!(
        rejection(&validator(), &signer.sign(&other_audience)).await,
        InvalidToken::InvalidAudience
    );
    let mut several = claims();
    several["aud"] = json!(["billing-api", AUDIENCE]);
    assert!(validator().validate(&signer.sign(&several)).await.is_ok());
}

#[tokio::test]
async fn an_unknown_kid_is_rejected() {
    let token = Signer::rsa(Algorithm::RS256)
        .with_kid(Some("rotated-away"))
        .sign(&claims());
    assert_eq!(rejection(&validator(), &token).await, InvalidToken::UnknownKey);
}

#[tokio::test]
async fn hostile_kid_strings_are_just_unknown_keys() {
    let signer = Signer::rsa(Algorithm::RS256);
    let huge = "k".repeat(100_000);
    for kid in [
        huge.as_str(),
        "../../../../etc/passwd",
        "a\u{0}b",
        "ключ-🔑",
        "' OR 1=1 --",
        "",
        "https://attacker.example/jwks.json",
    ] {
        let header = json!({"alg": "RS256", "typ": "at+jwt", "kid": kid});
        let token = signer.sign_with_header(&header, &claims());
        assert_eq!(rejection(&validator(), &token).await, InvalidToken::UnknownKey);
    }
}

#[tokio::test]
async fn key_material_and_urls_in_the_header_are_never_used() {
    let attacker = Signer::attacker_rsa();
    let attacker_jwk = serde_json::to_value(attacker.public_jwk()).unwrap();
    for kid in ["rsa", "attacker"] {
        let header = json!({
            "alg": "RS256",
            "typ": "at+jwt",
            "kid": kid,
            "jwk": attacker_jwk,
            "jku": "https://attacker.example/jwks.json",
            "x5u": "https://attacker.example/cert.pem",
            "x5c": ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"],
        });
        let token = attacker.sign_with_header(&header, &claims());
        let expected = if kid == "rsa" {
            InvalidToken::InvalidSignature
        } else {
            InvalidToken::UnknownKey
        };
        assert_eq!(rejection(&validator(), &token).await, expected, "{kid}");
    }
}

#[tokio::test]
async fn a_crit_header_is_rejected() {
    let signer = Signer::rsa(Algorithm::RS256);
    for crit in [json!(["exp"]), json!([]), json!(null), json!("b64")] {
        let header = json!({"alg": "RS256", "typ": "at+jwt", "kid": "rsa", "crit": crit, "exp": 1});
        let token = signer.sign_with_header(&header, &claims());
        assert_eq!(
            rejection(&validator(), &token).await,
            InvalidToken::CriticalHeader,
            "{crit}"
        );
    }
}

#[tokio::test]
async fn only_three_part_tokens_are_accepted() {
    let token = Signer::rsa(Algorithm::RS256).sign(&claims());
    let parts: Vec<&str> = token.split('.').collect();
    for malformed in [
        format!("{}.{}", parts[0], parts[1]),
        format!("{token}.{}", parts[2]),
        format!("{token}."),
        format!(".{token}"),
        parts[0].to_owned(),
        String::new(),
    ] {
        assert_eq!(rejection(&validator(), &malformed).await, InvalidToken::Malformed);
    }
}

#[tokio::test]
async fn a_header_that_is_not_a_json_object_is_malformed() {
    let signer = Signer::rsa(Algorithm::RS256);
    for header in [
        "not json",
        r#"["RS256"]"#,
        r#""RS256""#,
        r#"{"alg": "RS256""#,
        r#"{"alg": "RS256", "alg": "none"}"#,
        r#"{"alg": 256}"#,
        r#"{"typ": "at+jwt"}"#,
    ] {
        let token = signer.sign_parts(header, &claims().to_string());
        assert_eq!(
            rejection(&validator(), &token).await,
            InvalidToken::Malformed,
            "{header}"
        );
    }
}

#[tokio::test]
async fn parts_that_are_not_base64url_are_malformed() {
    let token = Signer::rsa(Algorithm::RS256).sign(&claims());
    let parts: Vec<&str> = token.split('.').collect();
    for malformed in [
        format!("!!!.{}.{}", parts[1], parts[2]),
        format!("{}=.{}.{}", parts[0], parts[1], parts[2]),
        format!("{}.{}+/.{}", parts[0], parts[1], parts[2]),
        format!("{}.{}.{}*", parts[0], parts[1], parts[2]),
        format!("{}. {}.{}", parts[0], parts[1], parts[2]),
        format!("{}.{}==.{}", parts[0], parts[1], parts[2]),
    ] {
        assert_eq!(rejection(&validator(), &malformed).await, InvalidToken::Malformed);
    }
}

#[tokio::test]
async fn a_payload_that_is_not_a_json_object_is_malformed() {
    let signer = Signer::rsa(Algorithm::RS256);
    for payload in [
        "[]",
        "null",
        "\"claims\"",
        "{",
        "{} {}",
        r#"{"exp": 1, "exp": 2}"#,
    ] {
        let token = signer.sign_parts(&signer.header().to_string(), payload);
        assert_eq!(
            rejection(&validator(), &token).await,
            InvalidToken::Malformed,
            "{payload}"
        );
    }
    let invalid_utf8 = format!(
        "{}.{}.c2ln",
        b64(signer.header().to_string()),
        b64([b'{', 0xff, b'}'])
    );
    assert_eq!(
        rejection(&validator(), &invalid_utf8).await,
        InvalidToken::Malformed
    );
}

#[tokio::test]
async fn each_issuer_is_verified_with_its_own_keys_only() {
    const OTHER: &str = "https://other-issuer.example";
    let rsa = Signer::rsa(Algorithm::RS256);
    let ed = Signer::ed25519();
    let validator = JwtValidator::builder()
        .issuer(
            ISSUER,
            StaticKeys::new(KeySet::new([VerificationKey::rsa_pem(RSA_PUBLIC)
                .unwrap()
                .with_kid("rsa")])),
        )
        .issuer(
            OTHER,
            StaticKeys::new(KeySet::new([VerificationKey::ed_pem(support::ED25519_PUBLIC)
                .unwrap()
                .with_kid("ed")])),
        )
        .audience(AUDIENCE)
        .build()
        .unwrap();
    let mut other_claims = claims();
    other_claims["iss"] = json!(OTHER);

    let principal = validator.validate(&rsa.sign(&claims())).await.unwrap();
    assert_eq!(principal.iss(), Some(ISSUER));
    let principal = validator.validate(&ed.sign(&other_claims)).await.unwrap();
    assert_eq!(principal.iss(), Some(OTHER));

    // A token claiming issuer A, signed with B's key.
    assert_eq!(
        rejection(&validator, &ed.sign(&claims())).await,
        InvalidToken::UnknownKey
    );
    let ed_claiming_rsa_kid = Signer::ed25519().with_kid(Some("rsa"));
    assert_eq!(
        rejection(&validator, &ed_claiming_rsa_kid.sign(&claims())).await,
        InvalidToken::UnknownKey
    );
    assert_eq!(
        rejection(&validator, &rsa.sign(&other_claims)).await,
        InvalidToken::UnknownKey
    );
}

#[tokio::test]
async fn the_trait_and_the_method_agree() {
    let token = Signer::rsa(Algorithm::RS256).sign(&claims());
    let validator = std::sync::Arc::new(validator());
    let principal = TokenValidator::validate(&validator, &token).await.unwrap();
    assert_eq!(principal.sub(), Some("alice"));
}
