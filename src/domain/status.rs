//! The states a booking moves through, and where it came from.

use super::ValidationError;

/// Declares a text-backed enum: its database/API spelling, parsing and listing in one place, so
/// the CHECK constraints in the migrations and the code cannot drift apart silently.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
                match raw {
                    $($text => Ok($name::$variant),)+
                    _ => Err(ValidationError::new(
                        field,
                        format!("{raw:?} is not one of: {}", [$($text),+].join(", ")),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum! {
    /// `Held` is a slot reserved for a few minutes while a customer finishes booking in chat; it
    /// blocks the slot like a confirmed booking until `hold_expires_at`.
    BookingStatus {
        Held => "held",
        Confirmed => "confirmed",
        Cancelled => "cancelled",
        Completed => "completed",
        NoShow => "no_show",
        Expired => "expired",
    }
}

impl BookingStatus {
    /// Whether the booking still occupies its time (an expired hold is told apart by its expiry).
    pub fn occupies_time(self) -> bool {
        matches!(
            self,
            Self::Held | Self::Confirmed | Self::Completed | Self::NoShow
        )
    }
}

text_enum! {
    /// Where a booking was made; replies and reminders go back the same way.
    Channel {
        Api => "api",
        Web => "web",
        Staff => "staff",
        Messenger => "messenger",
        WhatsApp => "whatsapp",
        Telegram => "telegram",
        Sms => "sms",
    }
}

text_enum! {
    /// A messaging platform a business connects (SMS goes through Twilio).
    Platform {
        Messenger => "messenger",
        WhatsApp => "whatsapp",
        Telegram => "telegram",
        Twilio => "twilio",
    }
}

impl Platform {
    /// The channel its conversations and bookings are recorded under.
    pub fn channel(self) -> Channel {
        match self {
            Self::Messenger => Channel::Messenger,
            Self::WhatsApp => Channel::WhatsApp,
            Self::Telegram => Channel::Telegram,
            Self::Twilio => Channel::Sms,
        }
    }

    pub fn of_channel(channel: Channel) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.channel() == channel)
    }
}

text_enum! {
    CancelledBy {
        Customer => "customer",
        Business => "business",
        System => "system",
    }
}

text_enum! {
    /// What a staff login may do: owners also change settings and logins; staff work the day.
    UserRole {
        Owner => "owner",
        Staff => "staff",
    }
}
