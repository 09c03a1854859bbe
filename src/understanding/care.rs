//! Questions to the business: what a customer asks about when they are not (yet) booking.

use serde::{Deserialize, Serialize};

/// What a question is about. The business's own data answers all but [`Topic::Faq`] (its own
/// FAQ entries) and [`Topic::Other`] (a question nothing here answers: staff are asked).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Price,
    Duration,
    Services,
    Hours,
    Location,
    Phone,
    Website,
    /// Who works when.
    Staff,
    Cancellation,
    /// How far ahead one can book.
    Horizon,
    Reminders,
    Faq,
    Other,
}

impl Topic {
    pub const ALL: [Topic; 13] = [
        Topic::Price,
        Topic::Duration,
        Topic::Services,
        Topic::Hours,
        Topic::Location,
        Topic::Phone,
        Topic::Website,
        Topic::Staff,
        Topic::Cancellation,
        Topic::Horizon,
        Topic::Reminders,
        Topic::Faq,
        Topic::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Price => "price",
            Topic::Duration => "duration",
            Topic::Services => "services",
            Topic::Hours => "hours",
            Topic::Location => "location",
            Topic::Phone => "phone",
            Topic::Website => "website",
            Topic::Staff => "staff",
            Topic::Cancellation => "cancellation",
            Topic::Horizon => "horizon",
            Topic::Reminders => "reminders",
            Topic::Faq => "faq",
            Topic::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == raw)
    }
}
