//! Meta's Graph API (Messenger and WhatsApp): its version and how its errors are read.

use chrono::Duration;
use serde_json::Value;

use super::Delivery;

/// The Graph API version Chairside is written against.
pub const VERSION: &str = "v21.0";

/// How long to wait after a rate-limit answer.
const RATE_LIMIT_PAUSE: Duration = Duration::seconds(60);

/// Reads a Graph API answer. Codes from Meta's Messenger and WhatsApp error references.
pub fn classify(status: u16, body: &Value, sent_id: impl Fn(&Value) -> Option<String>) -> Delivery {
    if (200..300).contains(&status) {
        return Delivery::Sent(sent_id(body));
    }
    let error = &body["error"];
    let code = error["code"].as_i64().unwrap_or(0);
    let subcode = error["error_subcode"].as_i64().unwrap_or(0);
    let message = error["message"]
        .as_str()
        .unwrap_or("no error message")
        .chars()
        .take(300)
        .collect::<String>();
    let described = format!("HTTP {status}, Graph error {code}/{subcode}: {message}");
    let retry = |after| Delivery::Retry {
        reason: described.clone(),
        after,
    };
    match (code, subcode) {
        // Rate limits: the page, the app, the number or the pair is sending too fast.
        (4 | 17 | 32 | 613 | 80007 | 130429 | 131056 | 131048, _) => retry(Some(RATE_LIMIT_PAUSE)),
        // Temporary trouble on Meta's side.
        (1 | 2 | 1200 | 131000 | 131016, _) => retry(None),
        (10, 2018278 | 2018108) | (131047, _) => Delivery::Permanent(format!(
            "outside the platform's 24-hour window and no way to send it there ({described})"
        )),
        (551, _) | (_, 1545041) | (131026 | 131049 | 131050, _) => Delivery::Permanent(format!(
            "the customer cannot be reached on this platform ({described})"
        )),
        (100, 2018001) => Delivery::Permanent(format!("no such user ({described})")),
        (190, _) | (200..=299, _) | (368, _) => Delivery::Permanent(format!(
            "the connection's token or permissions are not accepted; reconnect the channel ({described})"
        )),
        _ if status == 429 || status >= 500 => retry(None),
        _ => Delivery::Permanent(described),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(code: i64, subcode: i64) -> Value {
        json!({"error": {"message": "m", "type": "OAuthException", "code": code, "error_subcode": subcode, "fbtrace_id": "x"}})
    }

    #[test]
    fn reads_graph_errors() {
        let id = |b: &Value| b["message_id"].as_str().map(str::to_owned);
        assert_eq!(
            classify(200, &json!({"message_id": "m1"}), id),
            Delivery::Sent(Some("m1".into()))
        );
        for code in [4, 613, 80007, 130429, 131056] {
            assert!(matches!(
                classify(400, &error(code, 0), id),
                Delivery::Retry { after: Some(_), .. }
            ));
        }
        for (code, sub) in [
            (551, 1545041),
            (100, 2018001),
            (190, 0),
            (131026, 0),
            (10, 2018278),
        ] {
            assert!(
                matches!(classify(400, &error(code, sub), id), Delivery::Permanent(_)),
                "{code}"
            );
        }
        assert!(matches!(
            classify(503, &json!("down"), id),
            Delivery::Retry { after: None, .. }
        ));
    }
}
