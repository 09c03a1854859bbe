//! The words of the customer pages: the chat (alone or framed by the widget) and the page that
//! manages one booking. `web` writes them into the pages it serves, as HTML text and as JSON
//! the pages' scripts read; the scripts hold no words of any language. Staff pages are in
//! English only and not here.

use serde::Serialize;

/// Every text of the customer pages in one language.
#[derive(Debug, Serialize)]
pub struct PageTexts {
    pub chat: ChatPageTexts,
    pub manage: ManagePageTexts,
}

#[derive(Debug, Serialize)]
pub struct ChatPageTexts {
    /// The page's title.
    pub title: &'static str,
    /// The widget's button on the business's website (unless the site names its own).
    pub widget_button: &'static str,
    pub subtitle: &'static str,
    pub input_label: &'static str,
    pub input_placeholder: &'static str,
    pub send: &'static str,
    /// What a link in a reply shows instead of its address.
    pub link: &'static str,
    /// Names the group of choices under a reply, for screen readers.
    pub choices: &'static str,
    /// Shown above a message staff wrote.
    pub staff: &'static str,
    pub unreachable: &'static str,
    /// Shown as the customer's message when the chat was opened from a signed link.
    pub opened_from_link: &'static str,
    /// The customer's first message, sent when the chat opens; the bot greets back.
    pub hello: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ManagePageTexts {
    pub title: &'static str,
    pub loading: &'static str,
    pub service: &'static str,
    pub staff: &'static str,
    pub when: &'static str,
    pub reference: &'static str,
    pub status: &'static str,
    pub move_heading: &'static str,
    pub day: &'static str,
    pub no_times: &'static str,
    pub cancel_heading: &'static str,
    pub cancel: &'static str,
    pub cancel_sure: &'static str,
    pub cancelled: &'static str,
    pub moved: &'static str,
    pub not_found: &'static str,
    /// The tag the browser writes dates and times with (`Intl`): "en-GB".
    pub date_locale: &'static str,
    pub statuses: BookingStatusNames,
}

/// A booking's status as the customer reads it, by the status the API sends.
#[derive(Debug, Serialize)]
pub struct BookingStatusNames {
    pub held: &'static str,
    pub confirmed: &'static str,
    pub cancelled: &'static str,
    pub completed: &'static str,
    pub no_show: &'static str,
    pub expired: &'static str,
}
