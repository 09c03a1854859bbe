//! The stored desk's side of proving who a customer is in chat: sending a one-time code (by
//! the route the business can offer), checking a typed code, and checking a booking reference
//! with its contact — which answers the same way whether the reference exists or not, and never
//! opens a booking by itself: a match only earns a code sent to the booking's own contact.

use chrono::Duration;

use super::StoredDesk;
use crate::conversation::desk::{CodeRequest, Desk, NoRoute, ReferenceCheck};
use crate::customers::codes::{self, CodeCheck, CodeDelivery, CodeRefused, CodeRoute};
use crate::customers::{Identity, IdentityKind};
use crate::domain::{Channel, Platform};
use crate::error::AppError;
use crate::languages::Locale;
use crate::storage::attempts;
use crate::storage::{bookings, conversations, to_db_time};

/// How long a WhatsApp number may be written to freely after it last wrote.
const WHATSAPP_WINDOW: Duration = Duration::hours(24);

impl StoredDesk<'_> {
    /// Whether a code could reach `identity`, and how.
    pub(super) fn route_code(
        &mut self,
        identity: &Identity,
    ) -> Result<Result<CodeRoute, NoRoute>, AppError> {
        match identity.kind {
            IdentityKind::Email => return Ok(Ok(CodeRoute::Email(identity.value.clone()))),
            IdentityKind::Phone => {}
            IdentityKind::Messenger | IdentityKind::Telegram => return Ok(Err(NoRoute::NoSms)),
        }
        if !identity.value.starts_with('+') {
            return Ok(Err(NoRoute::NeedsCountryCode));
        }
        if self.channel == Channel::WhatsApp
            && let Some(settings) = self.connection_settings(Platform::WhatsApp)?
        {
            let window_open = self.whatsapp_window_open(&identity.value)?;
            let template = !settings["templates"]["verification_code"].is_null();
            if window_open || template {
                return Ok(Ok(CodeRoute::WhatsApp {
                    to: identity.value.trim_start_matches('+').to_owned(),
                    window_open,
                }));
            }
        }
        if self.connection_settings(Platform::Twilio)?.is_some() {
            return Ok(Ok(CodeRoute::Sms(identity.value.clone())));
        }
        Ok(Err(NoRoute::NoSms))
    }

    fn whatsapp_window_open(&mut self, number: &str) -> Result<bool, AppError> {
        let key = number.trim_start_matches('+');
        let thread = conversations::find_by_key(
            self.conn,
            &self.calendar.business.id,
            Channel::WhatsApp.as_str(),
            key,
        )?;
        Ok(thread
            .and_then(|t| t.last_inbound_at)
            .is_some_and(|at| self.now - at.and_utc() < WHATSAPP_WINDOW))
    }

    /// Who asks, for the per-client limits: the web chat's client address, or on a platform
    /// the sender there.
    fn asker(&self) -> String {
        match &self.client {
            Some(address) => format!("address:{address}"),
            None => format!(
                "{}:{}",
                self.channel.as_str(),
                self.conversation.external_key
            ),
        }
    }

    /// Sends a one-time code to `identity` (after the turn commits), within the limits.
    pub(super) fn issue_code(
        &mut self,
        identity: &Identity,
        locale: Locale,
    ) -> Result<CodeRequest, AppError> {
        let route = match self.route_code(identity)? {
            Ok(route) => route,
            Err(no) => return Ok(CodeRequest::NoRoute(no)),
        };
        let asker = self.asker();
        let issued = codes::issue(
            self.conn,
            &self.links.secrets,
            &self.rules.proof_limits,
            &self.calendar.business.id,
            &self.conversation.id,
            identity,
            &asker,
            self.now,
        )?;
        match issued {
            Ok(code) => {
                self.deliveries.push(CodeDelivery {
                    business_id: self.calendar.business.id.clone(),
                    business_name: self.calendar.business.name.clone(),
                    route,
                    code,
                    locale,
                });
                Ok(CodeRequest::Sent {
                    masked: identity.masked(),
                })
            }
            Err(CodeRefused::Limited(exhausted)) => Ok(CodeRequest::Limited {
                retry_after_seconds: exhausted.retry_after_seconds,
            }),
        }
    }

    pub(super) fn check_typed_code(&mut self, typed: &str) -> Result<CodeCheck, AppError> {
        Ok(codes::check(
            self.conn,
            &self.links.secrets,
            &self.conversation.id,
            typed,
            self.now,
        )?)
    }

    /// "I have a booking K6P-DK3, my phone is …": within the limits per reference and per
    /// client, and only when the reference names a booking made with that very contact, a code
    /// goes to the contact. The answer never tells which part did not match.
    pub(super) fn check_reference_contact(
        &mut self,
        reference: &str,
        identity: &Identity,
        locale: Locale,
    ) -> Result<ReferenceCheck, AppError> {
        let limits = self.rules.proof_limits;
        let business = self.calendar.business.id.clone();
        let reserved = attempts::reserve(
            self.conn,
            &[
                limits
                    .reference_checks_per_reference
                    .limit(format!("reference:{business}:{reference}")),
                limits
                    .reference_checks_per_client
                    .limit(format!("reference:client:{}", self.asker())),
            ],
            to_db_time(self.now),
        )?;
        if let Err(exhausted) = reserved {
            return Ok(ReferenceCheck::Limited {
                retry_after_seconds: exhausted.retry_after_seconds,
            });
        }
        let region = self.region()?;
        let matched =
            bookings::find_by_reference(self.conn, &business, reference)?.is_some_and(|b| {
                identity.matches_contact(
                    b.customer_phone.as_deref(),
                    b.customer_email.as_deref(),
                    region,
                )
            });
        if matched {
            // Whether this code went out (or hit its own limit) is not told either.
            self.issue_code(identity, locale)?;
        }
        Ok(ReferenceCheck::Checked)
    }
}
