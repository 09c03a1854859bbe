//! Greeting, help, handing over to staff, and what to say when a message is not understood.

use super::Dialogue;
use super::Effect;
use super::LinkFollowed;
use crate::conversation::desk::Desk;
use crate::conversation::payload::Payload;
use crate::conversation::state::Expecting;
use crate::error::AppError;

impl<D: Desk + ?Sized> Dialogue<'_, D> {
    /// "Delete my data": passed to staff, who see it in the inbox.
    pub(super) fn privacy_request(&mut self) -> Result<(), AppError> {
        self.stop_hold()?;
        self.state.draft = None;
        self.effects.push(Effect::PrivacyRequest);
        let business = self.desk.calendar().business.name.clone();
        self.say(self.texts.privacy_request(&business));
        Ok(())
    }

    pub(super) fn greet_from_link(&mut self, link: LinkFollowed) -> Result<(), AppError> {
        match link {
            LinkFollowed::Tied | LinkFollowed::Unknown => {}
            LinkFollowed::Used => self.say(self.texts.link_used()),
            LinkFollowed::Expired => self.say(self.texts.link_expired()),
        }
        self.greet()
    }

    pub(super) fn greet(&mut self) -> Result<(), AppError> {
        let business = self.desk.calendar().business.name.clone();
        let mut choices = self.service_choices();
        let text = match self.desk.customer()? {
            Some(customer) => {
                let next = self.desk.upcoming()?.first().map(|b| self.summary_of(b));
                choices.push(self.choice(self.texts.button_my_bookings(), Payload::MyBookings));
                self.texts
                    .welcome_back(&business, &customer.name, next.as_deref())
            }
            None => self.texts.greeting(&business),
        };
        let text = match &self.desk.calendar().business.privacy_url {
            Some(url) => format!("{text}\n\n{}", self.texts.privacy_notice(url)),
            None => text,
        };
        self.ask(text, choices, Expecting::Service);
        Ok(())
    }

    pub(super) fn help(&mut self) -> Result<(), AppError> {
        let menu = self.main_menu();
        self.ask(self.texts.help(), menu, self.state.expecting);
        Ok(())
    }

    pub(super) fn handoff(&mut self) -> Result<(), AppError> {
        self.hand_off_saying(self.texts.handed_off());
        Ok(())
    }

    /// Hands the conversation to staff and tells the customer so in `text`.
    pub(super) fn hand_off_saying(&mut self, text: String) {
        self.effects.push(Effect::Handoff);
        self.say(text);
    }

    pub(super) fn unclear(&mut self) -> Result<(), AppError> {
        self.state.unclear += 1;
        if self.state.unclear >= 2 {
            let mut choices = vec![self.choice(self.texts.button_human(), Payload::Human)];
            choices.extend(
                self.main_menu()
                    .into_iter()
                    .filter(|c| c.payload != Payload::Human.encode()),
            );
            let unclear = self.state.unclear;
            self.ask(self.texts.unclear_often(), choices, self.state.expecting);
            self.state.unclear = unclear;
            return Ok(());
        }
        self.say(self.texts.unclear());
        self.repeat_question()
    }

    /// Asks the last question again, or offers the main menu.
    pub(super) fn repeat_question(&mut self) -> Result<(), AppError> {
        let unclear = self.state.unclear;
        match self.state.last_question.clone() {
            Some(question)
                if !question.choices.is_empty() || self.state.expecting != Expecting::Nothing =>
            {
                self.replies.push(question);
            }
            _ => {
                let menu = self.main_menu();
                self.ask(self.texts.help(), menu, Expecting::Nothing);
            }
        }
        self.state.unclear = unclear;
        Ok(())
    }
}
