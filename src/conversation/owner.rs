//! Who answers a conversation: the bot, or staff who took it over. The engine hands it over
//! and back; the inbox reads it to tell which conversations wait for staff.

pub const OWNER_BOT: &str = "bot";
pub const OWNER_HUMAN: &str = "human";
