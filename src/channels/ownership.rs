//! Asking Meta whether a claim's own token belongs to the page or number the claim names.
//!
//! A handshake or a signed webhook call alone proves nothing about a page: whoever claims a
//! page also chose the claim's verify token and app secret, and can make such calls to
//! Chairside themselves. What only the page's admin has is an access token for that page, and
//! only Meta can say whose token it is. So a claim becomes active when, at one of those calls,
//! Meta answers that the claim's token is the page's (Messenger: `GET /me` with the page token
//! names the page; WhatsApp: `GET /{phone-number-id}` with the access token is allowed only to
//! the number's business). A squatter's token never passes, so a squatter never takes over.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Connection, graph};
use crate::domain::Platform;

/// After Meta said no, the same version of a claim is not asked about again for this long:
/// self-signed calls for a page someone does not own must not become one Graph call each.
const REFUSAL_MEMORY: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Meta confirmed that the claim's token is the page's or number's.
    Owner,
    /// Meta refused, or named another account.
    NotOwner(String),
    /// Meta could not be asked; ask again at the next call.
    Unreachable(String),
}

pub struct OwnershipCheck {
    http: reqwest::Client,
    graph: String,
    refused: Mutex<HashMap<String, (i64, Instant)>>,
}

impl OwnershipCheck {
    pub fn new(graph_base: &str) -> Self {
        let http = super::platform_client(Duration::from_secs(10));
        Self {
            http,
            graph: graph_base.trim_end_matches('/').to_owned(),
            refused: Mutex::default(),
        }
    }

    pub async fn check(&self, claim: &Connection) -> Verdict {
        if self.refused_lately(claim) {
            return Verdict::NotOwner("Meta refused this claim recently".to_owned());
        }
        let Some(lookup) = lookup(&self.graph, claim) else {
            return Verdict::NotOwner("the connection has no page, number or token".to_owned());
        };
        let answer = self
            .http
            .get(&lookup.url)
            .bearer_auth(lookup.token)
            .send()
            .await;
        let response = match answer {
            Ok(response) => response,
            Err(e) => {
                return Verdict::Unreachable(format!("cannot reach Meta: {}", e.without_url()));
            }
        };
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        let verdict = judge(status, &body, &lookup.account);
        if matches!(verdict, Verdict::NotOwner(_)) {
            let mut refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
            refused.retain(|_, (_, at)| at.elapsed() < REFUSAL_MEMORY);
            refused.insert(claim.id.clone(), (claim.version, Instant::now()));
        }
        verdict
    }

    fn refused_lately(&self, claim: &Connection) -> bool {
        let refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
        refused
            .get(&claim.id)
            .is_some_and(|(version, at)| *version == claim.version && at.elapsed() < REFUSAL_MEMORY)
    }
}

/// The Graph API call that tells whether the claim's token owns its account.
#[derive(Debug, PartialEq, Eq)]
struct Lookup<'a> {
    url: String,
    token: &'a str,
    account: String,
}

fn lookup<'a>(base: &str, claim: &'a Connection) -> Option<Lookup<'a>> {
    let account = claim.claimed_key()?;
    let version = graph::VERSION;
    let (url, token) = match claim.platform {
        Platform::Messenger => (
            format!("{base}/{version}/me?fields=id"),
            claim.secret("page_access_token")?,
        ),
        Platform::WhatsApp => (
            format!("{base}/{version}/{account}?fields=id"),
            claim.secret("access_token")?,
        ),
        Platform::Telegram | Platform::Twilio => return None,
    };
    Some(Lookup {
        url,
        token,
        account,
    })
}

fn judge(status: u16, body: &serde_json::Value, account: &str) -> Verdict {
    let named = super::inbound::text_of(&body["id"]);
    match status {
        200..=299 if named.as_deref() == Some(account) => Verdict::Owner,
        200..=299 => Verdict::NotOwner(format!(
            "the token belongs to {}, not to {account}",
            named.unwrap_or_else(|| "no account".to_owned())
        )),
        400..=499 => Verdict::NotOwner(format!(
            "Meta refused the token for {account} (HTTP {status}): {}",
            body["error"]["message"].as_str().unwrap_or("no message")
        )),
        _ => Verdict::Unreachable(format!("Meta answered HTTP {status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_a_token_meta_ties_to_the_account_is_the_owner() {
        assert_eq!(judge(200, &json!({"id": "123"}), "123"), Verdict::Owner);
        assert!(matches!(
            judge(200, &json!({"id": "999"}), "123"),
            Verdict::NotOwner(_)
        ));
        assert!(matches!(
            judge(
                400,
                &json!({"error": {"message": "Invalid OAuth access token", "code": 190}}),
                "123"
            ),
            Verdict::NotOwner(_)
        ));
        assert!(matches!(
            judge(503, &json!({}), "123"),
            Verdict::Unreachable(_)
        ));
    }
}
