//! What a tapped choice sends back. Payloads are short (Telegram allows 64 bytes) and carry
//! everything needed to act on them, so a tap still works after a restart. They come from
//! outside and are never trusted: whatever they name is checked again when acted upon.

use chrono::NaiveDate;

use crate::understanding::Topic;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Book,
    MyBookings,
    Help,
    Human,
    Yes,
    No,
    /// Change something in the booking being prepared.
    Change,
    /// Give up the booking being prepared.
    Stop,
    OtherDay,
    /// Pick which of several bookings to cancel / to move.
    CancelOne,
    MoveOne,
    Service(String),
    Day(NaiveDate),
    /// A start (seconds since the epoch) with the staff member to book, or anyone.
    Slot {
        start: i64,
        staff: Option<String>,
    },
    Cancel(String),
    Move(String),
    /// "I'll be there" (a reminder's Confirm button).
    Attend(String),
    /// A signed chat link followed (an m.me ref, a Telegram /start, a web chat link).
    ChatLink(String),
    /// Send the one-time code again.
    NewCode,
    /// Prove who I am to see bookings made elsewhere.
    Verify,
    /// A question to the business from a menu: a platform's ice breaker or command.
    Ask(Topic),
}

impl Payload {
    pub fn encode(&self) -> String {
        match self {
            Self::Book => "book".into(),
            Self::MyBookings => "bookings".into(),
            Self::Help => "help".into(),
            Self::Human => "human".into(),
            Self::Yes => "yes".into(),
            Self::No => "no".into(),
            Self::Change => "change".into(),
            Self::Stop => "stop".into(),
            Self::OtherDay => "otherday".into(),
            Self::CancelOne => "cancelone".into(),
            Self::MoveOne => "moveone".into(),
            Self::Service(id) => format!("svc:{id}"),
            Self::Day(date) => format!("day:{date}"),
            Self::Slot { start, staff } => {
                format!("slot:{start}:{}", staff.as_deref().unwrap_or("any"))
            }
            Self::Cancel(id) => format!("cancel:{id}"),
            Self::Move(id) => format!("move:{id}"),
            Self::Attend(id) => format!("attend:{id}"),
            Self::ChatLink(token) => token.clone(),
            Self::NewCode => "newcode".into(),
            Self::Verify => "verify".into(),
            Self::Ask(topic) => format!("ask:{}", topic.as_str()),
        }
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw.len() > 64 {
            return None;
        }
        if crate::customers::links::is_token(raw) {
            return Some(Self::ChatLink(raw.to_owned()));
        }
        let id = |s: &str| {
            (!s.is_empty()
                && s.len() <= 40
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            .then(|| s.to_owned())
        };
        Some(match raw.split_once(':') {
            None => match raw {
                "book" => Self::Book,
                "bookings" => Self::MyBookings,
                "help" => Self::Help,
                "human" => Self::Human,
                "yes" => Self::Yes,
                "no" => Self::No,
                "change" => Self::Change,
                "stop" => Self::Stop,
                "otherday" => Self::OtherDay,
                "cancelone" => Self::CancelOne,
                "moveone" => Self::MoveOne,
                "newcode" => Self::NewCode,
                "verify" => Self::Verify,
                _ => return None,
            },
            Some(("svc", rest)) => Self::Service(id(rest)?),
            Some(("day", rest)) => Self::Day(NaiveDate::parse_from_str(rest, "%Y-%m-%d").ok()?),
            Some(("slot", rest)) => {
                let (start, staff) = rest.split_once(':')?;
                let start = start.parse().ok()?;
                let staff = if staff == "any" {
                    None
                } else {
                    Some(id(staff)?)
                };
                Self::Slot { start, staff }
            }
            Some(("cancel", rest)) => Self::Cancel(id(rest)?),
            Some(("move", rest)) => Self::Move(id(rest)?),
            Some(("attend", rest)) => Self::Attend(id(rest)?),
            Some(("ask", rest)) => Self::Ask(Topic::parse(rest)?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_fits_telegram() {
        let uuid = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".to_owned();
        let all = [
            Payload::Book,
            Payload::Yes,
            Payload::Service(uuid.clone()),
            Payload::Day(NaiveDate::from_ymd_opt(2027, 3, 5).unwrap()),
            Payload::Slot {
                start: 1_805_000_000,
                staff: Some(uuid.clone()),
            },
            Payload::Slot {
                start: 1_805_000_000,
                staff: None,
            },
            Payload::Cancel(uuid.clone()),
            Payload::Move(uuid.clone()),
            Payload::Attend(uuid),
            Payload::Ask(Topic::Price),
            Payload::Ask(Topic::Hours),
        ];
        for p in all {
            let encoded = p.encode();
            assert!(encoded.len() <= 64, "{encoded}");
            assert_eq!(Payload::decode(&encoded), Some(p));
        }
    }

    #[test]
    fn refuses_forged_payloads() {
        for bad in [
            "",
            "drop table",
            "svc:",
            "svc:a b",
            "slot:x:any",
            "slot:1",
            "day:2027-02-30",
            "cancel:'; --",
            "ask:weather",
            &"x".repeat(100),
        ] {
            assert_eq!(Payload::decode(bad), None, "{bad}");
        }
    }
}
