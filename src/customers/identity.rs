//! What proves who someone is, as a value that can be looked up: a platform's authenticated
//! sender or a contact point confirmed by a code.
//!
//! Phone numbers are kept in E.164 (`+4915112345678`) wherever the number says or the business's
//! region tells which country it belongs to, so that the number a customer typed in the web
//! chat and confirmed by a code is the same identity as the WhatsApp or SMS sender with that
//! number. Email addresses are compared without regard to case.

use crate::domain::{Channel, EmailAddress, PhoneNumber};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdentityKind {
    Phone,
    Email,
    /// A page-scoped Messenger id (PSID).
    Messenger,
    /// A Telegram user id.
    Telegram,
}

impl IdentityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Messenger => "messenger",
            Self::Telegram => "telegram",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "phone" => Self::Phone,
            "email" => Self::Email,
            "messenger" => Self::Messenger,
            "telegram" => Self::Telegram,
            _ => return None,
        })
    }
}

/// One proven identity of a customer of one business.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub kind: IdentityKind,
    pub value: String,
}

/// Where a business is, for reading phone numbers written without a country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Region(Option<phonenumber::country::Id>);

impl Region {
    /// The region of the first of `numbers` that is international (the business's own phone,
    /// its SMS number).
    pub fn from_numbers<'a>(numbers: impl IntoIterator<Item = &'a str>) -> Self {
        Self(
            numbers
                .into_iter()
                .filter(|n| n.starts_with('+'))
                .find_map(|n| phonenumber::parse(None, n).ok()?.country().id()),
        )
    }

    pub fn is_known(self) -> bool {
        self.0.is_some()
    }
}

/// A phone number in E.164 when it can be placed in a country: it was written with a country
/// code, or the business's region tells which national numbering plan it belongs to. `None`
/// when it cannot (a national number and no known region).
pub fn international(phone: &PhoneNumber, region: Region) -> Option<String> {
    let raw = phone.as_str();
    if raw.starts_with('+') {
        return Some(raw.to_owned());
    }
    let parsed = phonenumber::parse(region.0, raw).ok()?;
    parsed
        .is_valid()
        .then(|| parsed.format().mode(phonenumber::Mode::E164).to_string())
}

impl Identity {
    pub fn new(kind: IdentityKind, value: impl Into<String>) -> Self {
        Self {
            kind,
            value: value.into(),
        }
    }

    /// A phone number as an identity: E.164 when it can be placed, else its digits as given.
    pub fn phone(phone: &PhoneNumber, region: Region) -> Self {
        let value = international(phone, region).unwrap_or_else(|| phone.as_str().to_owned());
        Self::new(IdentityKind::Phone, value)
    }

    pub fn email(email: &EmailAddress) -> Self {
        Self::new(IdentityKind::Email, email.as_str().to_lowercase())
    }

    /// The identity a platform vouches for: who sent this message. The web chat and the API
    /// vouch for nobody.
    pub fn of_sender(channel: Channel, sender: &str) -> Option<Self> {
        let sender = sender.trim();
        if sender.is_empty() {
            return None;
        }
        match channel {
            Channel::Messenger => Some(Self::new(IdentityKind::Messenger, sender)),
            // A private chat's id is the user's; groups (negative ids) prove nobody.
            Channel::Telegram if sender.bytes().all(|b| b.is_ascii_digit()) => {
                Some(Self::new(IdentityKind::Telegram, sender))
            }
            Channel::Telegram => None,
            // WhatsApp and Twilio authenticate the sender's number.
            Channel::WhatsApp | Channel::Sms => {
                let digits = sender.trim_start_matches('+');
                PhoneNumber::parse("sender", &format!("+{digits}"))
                    .ok()
                    .map(|p| Self::new(IdentityKind::Phone, p.as_str()))
            }
            Channel::Web | Channel::Api | Channel::Staff => None,
        }
    }

    /// A phone number's last seven digits, which it has however it was written (with or without
    /// a country code or trunk prefix): what a query narrows stored numbers by before they are
    /// compared exactly with [`Identity::matches_contact`].
    pub fn phone_tail(&self) -> Option<String> {
        if self.kind != IdentityKind::Phone {
            return None;
        }
        let digits: String = self.value.chars().filter(char::is_ascii_digit).collect();
        Some(digits[digits.len().saturating_sub(7)..].to_owned())
    }

    /// Whether a contact as typed on a booking names this identity.
    pub fn matches_contact(
        &self,
        phone: Option<&str>,
        email: Option<&str>,
        region: Region,
    ) -> bool {
        match self.kind {
            IdentityKind::Phone => phone
                .and_then(|p| PhoneNumber::parse("phone", p).ok())
                .is_some_and(|p| Identity::phone(&p, region) == *self),
            IdentityKind::Email => email.is_some_and(|e| e.to_lowercase() == self.value),
            IdentityKind::Messenger | IdentityKind::Telegram => false,
        }
    }

    /// The contact shown back to the customer without spelling it out: `a•••@example.com`,
    /// `•••• 4567`.
    pub fn masked(&self) -> String {
        match self.kind {
            IdentityKind::Email => match self.value.split_once('@') {
                Some((local, domain)) => {
                    let first: String = local.chars().take(1).collect();
                    format!("{first}•••@{domain}")
                }
                None => "•••".to_owned(),
            },
            IdentityKind::Phone => {
                let digits: Vec<char> = self.value.chars().filter(char::is_ascii_digit).collect();
                let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
                format!("•••• {tail}")
            }
            IdentityKind::Messenger | IdentityKind::Telegram => "•••".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(raw: &str) -> PhoneNumber {
        PhoneNumber::parse("p", raw).unwrap()
    }

    #[test]
    fn national_numbers_are_placed_by_the_business_region() {
        let berlin = Region::from_numbers(["030 123", "+49 30 1234567"]);
        assert!(berlin.is_known());
        assert_eq!(
            international(&phone("0151 12345678"), berlin).as_deref(),
            Some("+4915112345678")
        );
        assert_eq!(
            international(&phone("+44 7700 900123"), berlin).as_deref(),
            Some("+447700900123")
        );
        assert_eq!(
            international(&phone("0151 12345678"), Region::default()),
            None
        );
        assert_eq!(
            Identity::phone(&phone("0151 12345678"), berlin),
            Identity::of_sender(Channel::WhatsApp, "4915112345678").unwrap()
        );
    }

    #[test]
    fn senders_and_contacts() {
        assert_eq!(Identity::of_sender(Channel::Web, "abc"), None);
        assert_eq!(
            Identity::of_sender(Channel::Sms, "+4915112345678")
                .unwrap()
                .value,
            "+4915112345678"
        );
        let email = Identity::email(&EmailAddress::parse("e", "Vera.V@Example.com").unwrap());
        assert_eq!(email.value, "vera.v@example.com");
        assert!(email.matches_contact(None, Some("vera.v@example.com"), Region::default()));
        assert!(email.matches_contact(None, Some("VERA.V@example.com"), Region::default()));
        let de = Region::from_numbers(["+4930123456"]);
        let sms = Identity::of_sender(Channel::Sms, "+4915112345678").unwrap();
        assert!(sms.matches_contact(Some("0151 1234 5678"), None, de));
        assert!(!sms.matches_contact(Some("0151 1234 5679"), None, de));
        assert_eq!(sms.masked(), "•••• 5678");
        assert_eq!(email.masked(), "v•••@example.com");
    }
}
