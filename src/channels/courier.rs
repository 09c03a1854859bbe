//! Carries one-time codes to customers: by email through the mailer, by SMS through the
//! business's Twilio connection, on WhatsApp through its Cloud API connection — as text while
//! the number's 24-hour window is open, else as the business's approved authentication
//! template (`verification_code`), the only thing WhatsApp lets a business send first.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;

use super::sender::{Endpoints, call_platform, classify};
use super::{ApiRequest, Connection, Delivery, Outgoing, TemplateUse};
use crate::conversation::Reply;
use crate::conversation::outbox::Purpose;
use crate::customers::codes::{CodeDelivery, CodeRoute};
use crate::customers::courier::{CodeCourier, CourierFuture};
use crate::domain::Platform;
use crate::notifications::Mailer;
use crate::notifications::mail::Email;
use crate::storage::Database;
use crate::vault::Vault;

#[derive(Clone)]
pub struct Courier {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    vault: Vault,
    mailer: Mailer,
    endpoints: Endpoints,
    http: reqwest::Client,
}

impl Courier {
    pub fn new(db: Database, vault: Vault, mailer: Mailer, endpoints: Endpoints) -> Self {
        let http = super::platform_client(StdDuration::from_secs(20));
        Self {
            inner: Arc::new(Inner {
                db,
                vault,
                mailer,
                endpoints,
                http,
            }),
        }
    }
}

impl CodeCourier for Courier {
    fn deliver(&self, delivery: CodeDelivery) -> CourierFuture {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move { inner.deliver(delivery).await })
    }
}

impl Inner {
    async fn deliver(&self, delivery: CodeDelivery) -> Result<(), String> {
        let text = delivery.text();
        match &delivery.route {
            CodeRoute::Email(to) => {
                let email = Email {
                    to: to.clone(),
                    reply_to: None,
                    subject: delivery.subject(),
                    html: format!("<p>{}</p>", html_escape(&text)),
                    text,
                    calendar: None,
                };
                self.mailer.send(email).await.map_err(|e| e.to_string())
            }
            CodeRoute::Sms(to) => {
                let connection = self.connection(&delivery, Platform::Twilio).await?;
                let reply = Reply::text(text);
                let out = outgoing(to, &reply, None, Some(Duration::zero()), &delivery);
                let request = super::twilio::request(&self.endpoints.twilio, &connection, &out)?;
                self.call(Platform::Twilio, request).await
            }
            CodeRoute::WhatsApp { to, window_open } => {
                let connection = self.connection(&delivery, Platform::WhatsApp).await?;
                let reply = Reply::text(text);
                let template = TemplateUse {
                    kind: "verification_code".to_owned(),
                    values: [("code".to_owned(), delivery.code.clone())].into(),
                };
                // Inside the window free text goes out; outside it only the template.
                let since = window_open.then(Duration::zero);
                let out = outgoing(to, &reply, Some(&template), since, &delivery);
                let request = super::whatsapp::request(&self.endpoints.graph, &connection, &out)?;
                self.call(Platform::WhatsApp, request).await
            }
        }
    }

    async fn connection(
        &self,
        delivery: &CodeDelivery,
        platform: Platform,
    ) -> Result<Connection, String> {
        let (business, vault) = (delivery.business_id.clone(), self.vault.clone());
        self.db
            .read(move |conn| super::connection::load(conn, &vault, &business, platform))
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("the business has no {} connection", platform.as_str()))
            .and_then(|c| {
                if c.is_active() {
                    Ok(c)
                } else {
                    Err(super::sender::not_proven(platform))
                }
            })
    }

    async fn call(&self, platform: Platform, request: ApiRequest) -> Result<(), String> {
        let (status, body) = call_platform(&self.http, request)
            .await
            .map_err(|e| format!("cannot reach the platform: {}", e.without_url()))?;
        match classify(platform, status, &body) {
            Delivery::Sent(_) => Ok(()),
            Delivery::Retry { reason, .. } | Delivery::Permanent(reason) => Err(reason),
        }
    }
}

fn outgoing<'a>(
    to: &'a str,
    reply: &'a Reply,
    template: Option<&'a TemplateUse>,
    since_customer: Option<Duration>,
    delivery: &CodeDelivery,
) -> Outgoing<'a> {
    Outgoing {
        recipient: to,
        reply,
        purpose: Purpose::Update,
        template,
        since_customer,
        locale: delivery.locale,
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
