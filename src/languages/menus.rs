//! What a platform shows of the business before a customer writes: Messenger's welcome screen
//! and ice breakers, Telegram's command list, WhatsApp's business profile. Each language fills
//! this record in its own `menus.rs`; `channels::menus` puts the texts where each platform
//! wants them and holds them to its limits.

use super::phrases::phrases;

phrases! {
    /// Short texts, as the platforms cut them: a greeting at 160 characters, an ice breaker at
    /// 80, a command's description at 256.
    pub struct Menus {
        /// Messenger's welcome screen; Messenger puts the customer's first name in for
        /// `{first_name}`.
        greeting(first_name, business),
        /// The same without the business's name, for a name too long for the screen.
        greeting_short(first_name),
        /// The ice breakers: what a customer taps to begin, said as the customer says it.
        ask_book,
        ask_prices,
        ask_hours,
        ask_human,
        /// Telegram's commands, as its command menu describes them.
        command_book,
        command_prices,
        command_hours,
        command_my_bookings,
        /// The description in the business's WhatsApp profile.
        description(business),
    }
}
