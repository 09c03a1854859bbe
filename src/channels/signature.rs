//! Checking that a webhook call comes from the platform: over the raw bytes, before anything is
//! parsed, compared in constant time.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

use crate::access::constant_time_eq;

/// Meta's `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the raw body, keyed with
/// the app secret (Messenger and WhatsApp).
pub fn meta_valid(app_secret: &str, body: &[u8], header: Option<&str>) -> bool {
    meta_digest(header).is_some_and(|digest| meta_matches(app_secret, body, &digest))
}

/// The digest an `X-Hub-Signature-256` header gives, if it is well-formed: read once, then
/// checked against each candidate secret with [`meta_matches`].
pub fn meta_digest(header: Option<&str>) -> Option<Vec<u8>> {
    let hex_digest = header?.trim().strip_prefix("sha256=")?;
    hex::decode(hex_digest).ok().filter(|d| d.len() == 32)
}

pub fn meta_matches(app_secret: &str, body: &[u8], digest: &[u8]) -> bool {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(digest).is_ok()
}

/// Telegram's `X-Telegram-Bot-Api-Secret-Token`: exactly the configured secret.
pub fn telegram_valid(secret_token: &str, header: Option<&str>) -> bool {
    header.is_some_and(|h| constant_time_eq(h.as_bytes(), secret_token.as_bytes()))
}

/// Twilio's `X-Twilio-Signature`: base64 of the HMAC-SHA1, keyed with the auth token, of the
/// full URL Twilio called followed by every POST parameter, sorted by name, as name and value.
/// Twilio may have called the URL with or without the default port; both are accepted.
pub fn twilio_valid(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    header: Option<&str>,
) -> bool {
    let Some(given) = header.and_then(|h| {
        base64::engine::general_purpose::STANDARD
            .decode(h.trim())
            .ok()
    }) else {
        return false;
    };
    // As Twilio's own validators: by name, then value, exact repeats once.
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    sorted.dedup();
    let signed: String = sorted.iter().map(|(n, v)| format!("{n}{v}")).collect();
    url_variants(url).iter().any(|candidate| {
        let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()) else {
            return false;
        };
        mac.update(candidate.as_bytes());
        mac.update(signed.as_bytes());
        mac.verify_slice(&given).is_ok()
    })
}

/// The URL as given, without its port, and with the scheme's default port.
fn url_variants(url: &str) -> Vec<String> {
    let mut variants = vec![url.to_owned()];
    let Some((scheme, rest)) = url.split_once("://") else {
        return variants;
    };
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        "443"
    } else {
        "80"
    };
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => {
            variants.push(format!("{scheme}://{host}{path}"));
        }
        _ => variants.push(format!("{scheme}://{authority}:{default_port}{path}")),
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_variants_add_and_remove_the_port() {
        assert_eq!(
            url_variants("https://a.example/x?y=1"),
            ["https://a.example/x?y=1", "https://a.example:443/x?y=1"]
        );
        assert_eq!(
            url_variants("https://a.example:1234/x"),
            ["https://a.example:1234/x", "https://a.example/x"]
        );
    }

    fn vectors(path: &str) -> serde_json::Value {
        let file = format!("{}/tests/data/webhooks/{path}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(file).expect("vector file")).expect("JSON")
    }

    #[test]
    fn meta_vector_from_an_sdk_suite() {
        let v = vectors("whatsapp/signature_vector.json");
        let body = std::fs::read(format!(
            "{}/tests/data/webhooks/whatsapp/{}",
            env!("CARGO_MANIFEST_DIR"),
            v["body_file"].as_str().unwrap()
        ))
        .unwrap();
        let secret = v["app_secret"].as_str().unwrap();
        assert!(meta_valid(
            secret,
            &body,
            v["expected_header_value"].as_str()
        ));
        for case in v["negative_cases"].as_array().unwrap() {
            if let Some(header) = case["header"].as_str() {
                assert!(!meta_valid(secret, &body, Some(header)));
            }
        }
        let mut altered = body.clone();
        altered.push(b' ');
        assert!(!meta_valid(
            secret,
            &altered,
            v["expected_header_value"].as_str()
        ));
    }

    #[test]
    fn twilio_vectors_from_the_sdks() {
        let v = vectors("twilio/signature_vectors.json");
        let mut checked = 0;
        for vector in v["vectors"].as_array().unwrap() {
            let params: Vec<(String, String)> = match (
                vector["params"].as_object(),
                vector["raw_form_body"].as_str(),
            ) {
                (Some(p), _) => p
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect(),
                (None, Some(form)) => serde_urlencoded::from_str(form).unwrap(),
                _ => continue,
            };
            let (token, url) = (
                vector["auth_token"].as_str().unwrap(),
                vector["url"].as_str().unwrap(),
            );
            let signature = vector["expected_signature"]
                .as_str()
                .or(vector["header_value"].as_str());
            assert!(twilio_valid(token, url, &params, signature), "{vector}");
            let forged = vector["negative"]["header_value"]
                .as_str()
                .unwrap_or("AAAA");
            assert!(!twilio_valid(token, url, &params, Some(forged)), "{vector}");
            checked += 1;
        }
        assert!(checked >= 6, "only {checked} vectors checked");
    }

    #[test]
    fn telegram_secret_is_exact() {
        assert!(telegram_valid(
            "my_Secret-token_123",
            Some("my_Secret-token_123")
        ));
        assert!(!telegram_valid(
            "my_Secret-token_123",
            Some("my_secret-token_123")
        ));
        assert!(!telegram_valid(
            "my_Secret-token_123",
            Some("my_Secret-token_123 ")
        ));
        assert!(!telegram_valid("my_Secret-token_123", None));
    }
}
