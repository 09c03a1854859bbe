//! What the customer wants to do. Every word is mapped to one cue when the
//! message is tokenised; the rules below combine cues (never raw strings, so a
//! message is classified in a few passes over small integers), and a fixed
//! priority decides when several intents apply ("yes, cancel it" cancels).

use super::Intent;
pub(super) use crate::languages::vocabulary::Cue;

use super::lexicon::Lex;
use super::text::{Kind, Text};

/// What else the message named, from the other parsers.
pub(super) struct Signals {
    /// A move relative to the booked time ("an hour later").
    pub shift: bool,
    pub service: bool,
    pub staff: bool,
    pub when: bool,
    /// A date or time that is not itself refused ("not tomorrow").
    pub fresh_when: bool,
}

/// What the message asks for, with the option it picks and the yes/no it
/// carries, which the dialogue reads even when another intent wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct DetectedIntent {
    pub intent: Option<Intent>,
    pub choice: Option<u32>,
    pub choice_last: bool,
    pub confirmation: Option<bool>,
    pub revision: bool,
}

/// "good morning", "guten Morgen", "guten Tag" are greetings, not times.
pub(super) fn mask_greetings(text: &mut Text) {
    for i in 0..text.len() {
        if matches!(text.cue(i), Cue::Good | Cue::Greeting)
            && matches!(
                text.lex(i + 1),
                Lex::Part(_) | Lex::Morgen | Lex::DayUnit | Lex::Tonight
            )
        {
            text.mask(i + 1, i + 2);
        }
    }
}

/// The message with the set of cues it contains, so that most rules are
/// answered by a bit test before any scan.
struct CuedMessage<'m, 't> {
    text: &'m Text<'t>,
    cues: u128,
    words: usize,
}

fn bit(c: Cue) -> u128 {
    1u128 << (c as u8)
}

impl<'m, 't> CuedMessage<'m, 't> {
    fn new(text: &'m Text<'t>) -> Self {
        let cues = (0..text.len()).fold(0, |acc, i| acc | bit(text.cue(i)));
        CuedMessage {
            text,
            cues,
            words: text.word_count(),
        }
    }

    fn any(&self, c: Cue) -> bool {
        self.cues & bit(c) != 0
    }

    fn cue(&self, i: usize) -> Cue {
        self.text.cue(i)
    }

    fn booking_noun(&self) -> bool {
        self.any(Cue::Appointment) || self.any(Cue::Appointments)
    }

    /// Cue `a` directly followed by cue `b`.
    fn pair(&self, a: Cue, b: Cue) -> bool {
        self.any(a)
            && self.any(b)
            && (1..self.text.len()).any(|i| self.cue(i - 1) == a && self.cue(i) == b)
    }

    /// Cue `b` within a few words after cue `a`: "push it back".
    fn near(&self, a: Cue, b: Cue) -> bool {
        self.any(a)
            && self.any(b)
            && (0..self.text.len()).any(|i| {
                self.cue(i) == a && (i + 1..(i + 4).min(self.text.len())).any(|j| self.cue(j) == b)
            })
    }

    /// "don't cancel", "nicht absagen": a refusal shortly before word `i`.
    fn negated(&self, i: usize) -> bool {
        (i.saturating_sub(3)..i)
            .rev()
            .take_while(|&j| !self.text.is_clause_break(j))
            .any(|j| matches!(self.cue(j), Cue::Not | Cue::No))
    }

    fn any_unnegated(&self, c: Cue) -> bool {
        self.any(c) && (0..self.text.len()).any(|i| self.cue(i) == c && !self.negated(i))
    }

    fn refused_cancel(&self) -> bool {
        self.any(Cue::Cancel)
            && (0..self.text.len()).any(|i| self.cue(i) == Cue::Cancel && self.negated(i))
    }

    fn last_word(&self) -> Option<usize> {
        (0..self.text.len())
            .rev()
            .find(|&i| self.text.toks[i].kind == Kind::Word)
    }

    /// Index of the first word, skipping fillers like "oh", "ähm", "well".
    fn first_word(&self) -> Option<usize> {
        (0..self.text.len())
            .find(|&i| self.text.toks[i].kind != Kind::Punct && self.cue(i) != Cue::Filler)
    }

    fn is_cancel(&self) -> bool {
        let remove = self.any(Cue::Remove)
            && (self.booking_noun() || self.any(Cue::It) || self.any(Cue::Please));
        // German separable verb: "sag den Termin ab".
        let separable =
            self.any(Cue::Sag) && self.last_word().is_some_and(|i| self.text.word(i) == "ab");
        self.any_unnegated(Cue::Cancel) || remove || separable || self.pair(Cue::Call, Cue::Off)
    }

    /// "ich kann morgen doch nicht kommen", "I can't make it".
    fn cannot_come(&self) -> bool {
        let come = self.any(Cue::Come)
            && (0..self.text.len()).any(|i| self.cue(i) == Cue::Come && self.negated(i));
        let make_it = self.pair(Cue::Make, Cue::It)
            && (1..self.text.len()).any(|i| self.cue(i - 1) == Cue::Make && self.negated(i - 1));
        let manage = self.near(Cue::Manage, Cue::Not);
        come || make_it || manage
    }

    /// "I can't do Thursday", "no puedo el jueves": a refusal of a named day or time.
    fn cannot_do(&self) -> bool {
        (0..self.text.len()).any(|i| {
            matches!(self.cue(i), Cue::Can | Cue::Make | Cue::Manage | Cue::Do) && self.negated(i)
                || (self.cue(i) == Cue::Not
                    && matches!(
                        self.cue(i + 1),
                        Cue::Can | Cue::Make | Cue::Manage | Cue::Do
                    ))
        })
    }

    fn is_reschedule(&self, sig: &Signals) -> bool {
        let about_booking = self.booking_noun() || self.any(Cue::My);
        let change = self.any(Cue::Change)
            && (about_booking
                || sig.when
                || self.any(Cue::It)
                || self.any(Cue::TimeNoun)
                || self.any(Cue::To));
        let legen =
            self.any(Cue::Legen) && self.any(Cue::Auf) && (about_booking || self.any(Cue::It));
        let push = self.near(Cue::Push, Cue::Back)
            || (0..self.text.len()).any(|i| matches!(self.text.lex(i), Lex::Delay | Lex::Sooner));
        let text = self.text;
        let different = self.any(Cue::Different)
            && (1..text.len()).any(|i| {
                self.cue(i - 1) == Cue::Different
                    && (self.cue(i) == Cue::TimeNoun || text.lex(i) == Lex::DayUnit)
            });
        let actually_make = self.any(Cue::Actually) && self.pair(Cue::Make, Cue::It);
        let shifted = self.any(Cue::My)
            && self.booking_noun()
            && (0..text.len()).any(|i| matches!(text.lex(i), Lex::Later | Lex::Early));
        let elsewhen = (self.cannot_come() || self.cannot_do()) && sig.fresh_when;
        // "lieber am Samstag", "monday instead?", "mejor a las 7"
        let preferred = (self.any(Cue::Instead) || self.any(Cue::Rather))
            && sig.fresh_when
            && !self.any(Cue::No);
        self.any(Cue::Move)
            || sig.shift
            || preferred
            || change
            || legen
            || push
            || different
            || actually_make
            || shifted
            || elsewhen
    }

    /// "hab ich …", "do I have …": a question about existing bookings.
    fn asks_have(&self) -> bool {
        self.pair(Cue::Have, Cue::I)
            || (self.pair(Cue::Do, Cue::I) && self.any(Cue::Have))
            || self.any(Cue::IHave)
    }

    fn is_list(&self) -> bool {
        let plural = self.any(Cue::Appointments);
        let mine = self.any(Cue::My) && self.booking_noun();
        let asking = self.any(Cue::Question) || self.any(Cue::Show);
        // "ich möchte 2 Termine für mich und meinen Sohn" asks for new ones.
        let wants_new = self.any(Cue::Want) && !asking;
        let booked = self.any(Cue::Have) && self.any(Cue::Booked);
        let have_one = self.asks_have() && self.booking_noun();
        // "when am I booked?", "¿a qué hora me toca?"
        let when_booked = self.any(Cue::Booked) && self.any(Cue::Question);
        (mine && (plural || asking) && !wants_new)
            || ((booked || have_one || when_booked) && !wants_new)
            || (self.any(Cue::Show) && plural)
    }

    /// "delete my data", "forget me", "löschen Sie meine Daten", "DSGVO Löschung", and what is
    /// kept about me: "what do you store about me?", "¿qué datos guardan de mí?".
    fn is_privacy(&self) -> bool {
        let wipe = self.any(Cue::Remove) || self.any(Cue::Forget) || self.any(Cue::Cancel);
        let forget_me = self.any(Cue::Forget) && (self.any(Cue::Me) || self.words <= 2);
        let about_me = self.any(Cue::Me) || self.any(Cue::My);
        let what_is_kept = self.any(Cue::Question) && about_me;
        self.any(Cue::PersonalData) && (wipe || what_is_kept) || forget_me
    }

    fn is_human(&self) -> bool {
        let talk_to_someone = self.any(Cue::Talk) && self.any(Cue::Someone);
        let call_me = self.any(Cue::Call) && (self.any(Cue::Me) || self.any(Cue::Someone));
        self.any(Cue::Human) || talk_to_someone || call_me || self.any(Cue::Callback)
    }

    fn is_help(&self) -> bool {
        let short = self.words <= 6;
        let how_works = (self.any(Cue::Question) || self.any(Cue::How)) && self.any(Cue::Works);
        let how_goes = self.any(Cue::How) && (self.any(Cue::Geht) || self.any(Cue::It));
        let what_can = self.any(Cue::Question) && self.any(Cue::Can);
        let only_question_mark =
            self.text.len() > 0 && (0..self.text.len()).all(|i| self.text.punct(i) == Some('?'));
        self.any(Cue::Help) || how_works || (short && (how_goes || what_can)) || only_question_mark
    }

    fn is_greeting(&self) -> bool {
        let good_day = self.any(Cue::Good)
            && (1..self.text.len()).any(|i| {
                self.cue(i - 1) == Cue::Good
                    && (self.text.toks[i].masked || self.cue(i) == Cue::TimeNoun)
            });
        self.any(Cue::Greeting) || good_day
    }

    fn is_strong_book(&self) -> bool {
        let make_appointment = self.any(Cue::Make) && self.booking_noun();
        self.any_unnegated(Cue::Book) || make_appointment
    }

    fn is_weak_book(&self, sig: &Signals) -> bool {
        let wants = self.any(Cue::Want) && (sig.service || self.booking_noun() || sig.when);
        // "geht was?", "noch was frei?"
        let anything = self.pair(Cue::Geht, Cue::Question) || self.pair(Cue::Noch, Cue::Question);
        sig.service
            || sig.staff
            || self.booking_noun()
            || wants
            || self.any(Cue::Come)
            || self.any(Cue::Free)
            || anything
    }

    /// Phrases that contain "no"/"not" yet agree: "no problem", "why not".
    fn agreeing_negation(&self) -> bool {
        self.pair(Cue::No, Cue::Problem)
            || self.pair(Cue::Not, Cue::Problem)
            || self.pair(Cue::Why, Cue::Not)
            || self.pair(Cue::Not, Cue::Bad)
    }

    fn disagreeing_phrase(&self) -> bool {
        self.pair(Cue::Soft, Cue::Not)
            || self.pair(Cue::Yes, Cue::Not)
            || self.pair(Cue::Geht, Cue::Not)
            || self.pair(Cue::Geht, Cue::Soft)
            || self.pair(Cue::Not, Cue::Works)
            || self.pair(Cue::Not, Cue::Think)
            || self.pair(Cue::Not, Cue::Soft)
            || self.pair(Cue::Rather, Cue::Not)
            || self.pair(Cue::Rather, Cue::No)
            || self.pair(Cue::Geht, Cue::Rather)
            || self.pair(Cue::Not, Cue::Rather)
            || self.pair(Cue::Not, Cue::Good)
            || self.pair(Cue::Not, Cue::Yes)
    }

    fn agreeing_phrase(&self) -> bool {
        let later = (0..self.text.len())
            .any(|i| matches!(self.text.lex(i), Lex::Later | Lex::Early))
            || self.any(Cue::Soft)
            || self.any(Cue::Rather);
        self.pair(Cue::Sounds, Cue::Good)
            || self.pair(Cue::Sounds, Cue::Yes)
            || self.pair(Cue::Geht, Cue::Yes)
            || (self.pair(Cue::Geht, Cue::Also) && !later)
            || self.pair(Cue::Go, Cue::Ahead)
            || self.pair(Cue::Do, Cue::It)
            || self.pair(Cue::Please, Cue::Do)
            || self.any(Cue::Course)
            || self.pair(Cue::Make, Cue::So)
            || self.pair(Cue::Make, Cue::We)
            || self.pair(Cue::It, Cue::Works)
            || self.pair(Cue::Works, Cue::For)
    }

    fn emoji_polarity(&self) -> Option<bool> {
        (0..self.text.len()).find_map(|i| match self.text.punct(i)? {
            '👍' | '👌' | '✅' | '🙆' | '🤝' => Some(true),
            '👎' | '❌' | '🙅' => Some(false),
            _ => None,
        })
    }

    /// A yes or no: at the start of the message, or as a phrase in a short reply.
    fn polarity(&self) -> Option<bool> {
        if self.agreeing_negation() {
            return Some(true);
        }
        let short = self.words <= 6;
        let first = self.first_word();
        let starts = |c: Cue| first.is_some_and(|i| self.cue(i) == c);
        // "ne" is also colloquial for "eine"; as an answer it stands alone.
        let ne = first.is_some_and(|i| {
            self.text.word(i) == "ne"
                && (i + 1 == self.text.len() || self.text.punct(i + 1).is_some())
        });
        if starts(Cue::No) || ne || (short && self.disagreeing_phrase()) {
            return Some(false);
        }
        let greeting_first = first.is_some_and(|i| {
            self.cue(i) == Cue::Good && self.text.toks.get(i + 1).is_some_and(|t| t.masked)
        });
        if (starts(Cue::Yes) && !greeting_first) || (short && self.agreeing_phrase()) {
            return Some(true);
        }
        let ends_with_yes = self.last_word().is_some_and(|i| self.cue(i) == Cue::Yes);
        if short && ends_with_yes && !self.any(Cue::Not) && !greeting_first {
            return Some(true);
        }
        self.emoji_polarity()
    }

    /// "actually", "instead", "lieber", "mejor", "and with Alex?", "is Jordan free then?",
    /// "what about Friday": the message changes something said before.
    fn is_revision(&self) -> bool {
        let text = self.text;
        let opens_with_and = self.first_word().is_some_and(|i| text.lex(i) == Lex::And);
        let what_about = (1..text.len()).any(|i| {
            matches!(self.cue(i - 1), Cue::Question | Cue::How) && text.lex(i) == Lex::Around
        });
        [Cue::Actually, Cue::Instead, Cue::Rather, Cue::Then]
            .into_iter()
            .any(|c| self.any(c))
            || opens_with_and
            || what_about
    }

    fn is_article(&self, i: usize) -> bool {
        matches!(self.text.lex(i), Lex::The | Lex::This) || self.cue(i) == Cue::It
    }

    fn choice_noun(&self, i: usize) -> bool {
        matches!(
            self.cue(i),
            Cue::ChoiceNoun | Cue::Appointment | Cue::One | Cue::TimeNoun
        )
    }

    /// An ordinal that picks an option: "the second one", "den ersten", "first one please".
    fn ordinal_choice(&self, i: usize) -> Option<u32> {
        let text = self.text;
        let tok = text.live(i)?;
        let n = match (tok.kind, tok.lex) {
            (Kind::Word, Lex::Ordinal(n)) => u32::from(n),
            (Kind::Num, _) if tok.ordinal => tok.num,
            _ => return None,
        };
        let next_is_date = matches!(
            text.lex(i + 1),
            Lex::Month(_) | Lex::MonthAmbiguous(_) | Lex::Of
        ) || text.num(i + 1).is_some();
        let noun_after = self.choice_noun(i + 1);
        let article_before = i > 0 && (self.is_article(i - 1) || self.cue(i - 1) == Cue::Take);
        let opens = self.first_word() == Some(i);
        let accepted = if tok.kind == Kind::Num {
            noun_after
        } else {
            !next_is_date && (noun_after || article_before || opens)
        };
        accepted.then_some(n)
    }

    /// "#2", "option 3", "nummer zwei", "take 2", "die 1"
    fn numbered_choice(&self, i: usize) -> Option<u32> {
        let text = self.text;
        let n = match text.lex(i) {
            Lex::Number(n) if n > 0 => u32::from(n),
            _ => text.num(i)?,
        };
        if !(1..=50).contains(&n) {
            return None;
        }
        let before = i.checked_sub(1)?;
        let marked = text.is_punct(before, '#')
            || matches!(self.cue(before), Cue::ChoiceNoun | Cue::Take)
            || (self.is_article(before) && before >= 1 && self.cue(before - 1) == Cue::Take);
        // "el 20" is a date in Spanish, "la 2" an option.
        let short_article = text.lex(before) == Lex::The
            && self.words <= 3
            && text.num(i).is_some()
            && !text.follows_date_article(i, text.lang);
        (marked || short_article).then_some(n)
    }

    /// A message that is only a small number (plus filler): "2", "2 please", "die 2".
    fn lone_number(&self) -> Option<u32> {
        let text = self.text;
        let mut found = None;
        for i in 0..text.len() {
            let tok = text.live(i)?;
            match tok.kind {
                Kind::Punct => {}
                Kind::Num
                    if found.is_none()
                        && !tok.ordinal
                        && (1..=20).contains(&tok.num)
                        // "el 20": in Spanish the article makes the number a day.
                        && !text.follows_date_article(i, text.lang) =>
                {
                    found = Some(tok.num);
                }
                Kind::Word
                    if matches!(
                        tok.cue,
                        Cue::Please | Cue::Yes | Cue::Take | Cue::ChoiceNoun | Cue::I | Cue::One
                    ) || tok.lex == Lex::The => {}
                _ => return None,
            }
        }
        found
    }

    fn last_choice(&self) -> bool {
        let text = self.text;
        (0..text.len()).any(|i| {
            let before_ok = i == 0 || self.is_article(i - 1) || self.cue(i - 1) == Cue::Take;
            let period_after = matches!(
                text.lex(i + 1),
                Lex::Week
                    | Lex::DayUnit
                    | Lex::MonthUnit
                    | Lex::Weekend
                    | Lex::Weekday(_)
                    | Lex::Year
            ) || self.cue(i + 1) == Cue::TimeNoun;
            text.lex(i) == Lex::Last && before_ok && !period_after
        })
    }

    fn choice(&self) -> (Option<u32>, bool) {
        let n = (0..self.text.len())
            .find_map(|i| self.ordinal_choice(i).or_else(|| self.numbered_choice(i)))
            .or_else(|| self.lone_number());
        (n, n.is_none() && self.last_choice())
    }
}

pub(super) fn detect(text: &Text, sig: &Signals) -> DetectedIntent {
    let msg = CuedMessage::new(text);
    let (choice, choice_last) = msg.choice();
    let refused = msg.refused_cancel();
    let confirmation = if refused { Some(false) } else { msg.polarity() };
    let intent = if refused {
        Some(Intent::No)
    } else if msg.is_privacy() {
        Some(Intent::Privacy)
    } else if msg.is_cancel() {
        Some(Intent::Cancel)
    } else if msg.is_reschedule(sig) {
        Some(Intent::Reschedule)
    } else if msg.cannot_come() {
        Some(Intent::Cancel)
    } else if msg.is_list() {
        Some(Intent::ListBookings)
    } else if msg.is_human() {
        Some(Intent::Human)
    } else if choice.is_some() || choice_last {
        Some(Intent::Choice)
    } else if msg.is_strong_book() {
        Some(Intent::Book)
    } else if let Some(c) = confirmation {
        Some(if c { Intent::Yes } else { Intent::No })
    } else if msg.is_weak_book(sig) {
        Some(Intent::Book)
    } else if msg.is_help() {
        Some(Intent::Help)
    } else if msg.is_greeting() {
        Some(Intent::Greeting)
    } else {
        None
    };
    DetectedIntent {
        intent,
        choice,
        choice_last,
        confirmation,
        revision: msg.is_revision(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cue_fits_the_bitset() {
        assert!((Cue::LAST as u8) < 128);
    }

    fn intent_of(input: &str) -> Option<Intent> {
        let mut text = Text::new(input);
        mask_greetings(&mut text);
        let sig = Signals {
            shift: false,
            service: false,
            staff: false,
            when: false,
            fresh_when: false,
        };
        detect(&text, &sig).intent
    }

    #[test]
    fn intents() {
        let cases = [
            ("cancel my appointment", Some(Intent::Cancel)),
            ("ich muss leider absagen", Some(Intent::Cancel)),
            ("sag den termin bitte ab", Some(Intent::Cancel)),
            ("don't cancel it", Some(Intent::No)),
            ("can i move my appointment", Some(Intent::Reschedule)),
            (
                "kann ich den termin auf freitag legen",
                Some(Intent::Reschedule),
            ),
            ("could we push it back an hour", Some(Intent::Reschedule)),
            ("my appointments", Some(Intent::ListBookings)),
            ("meine termine", Some(Intent::ListBookings)),
            ("talk to a person", Some(Intent::Human)),
            ("please delete my data", Some(Intent::Privacy)),
            (
                "can you remove all my personal information",
                Some(Intent::Privacy),
            ),
            ("forget me", Some(Intent::Privacy)),
            ("bitte löschen sie meine daten", Some(Intent::Privacy)),
            ("DSGVO: Daten löschen", Some(Intent::Privacy)),
            ("delete my booking", Some(Intent::Cancel)),
            (
                "kann ich mit einem mitarbeiter sprechen",
                Some(Intent::Human),
            ),
            ("the second one", Some(Intent::Choice)),
            ("2", Some(Intent::Choice)),
            ("book a haircut", Some(Intent::Book)),
            ("yep", Some(Intent::Yes)),
            ("ja gerne", Some(Intent::Yes)),
            ("sounds good", Some(Intent::Yes)),
            ("that works", Some(Intent::Yes)),
            ("nein danke", Some(Intent::No)),
            ("lieber nicht", Some(Intent::No)),
            ("not really", Some(Intent::No)),
            ("no problem", Some(Intent::Yes)),
            ("kein problem", Some(Intent::Yes)),
            ("geht auch später?", None),
            ("help", Some(Intent::Help)),
            ("wie funktioniert das hier", Some(Intent::Help)),
            ("what can you do?", Some(Intent::Help)),
            ("hallo", Some(Intent::Greeting)),
            ("good morning", Some(Intent::Greeting)),
            ("guten tag", Some(Intent::Greeting)),
            ("ich kann morgen doch nicht kommen", Some(Intent::Cancel)),
            ("I can't make it", Some(Intent::Cancel)),
            (
                "ich möchte 2 termine für mich und meinen sohn",
                Some(Intent::Book),
            ),
            ("kann ich nen termin haben", Some(Intent::Book)),
            ("hab ich schon nen termin", Some(Intent::ListBookings)),
            (
                "do I have an appointment tomorrow?",
                Some(Intent::ListBookings),
            ),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(intent_of(input), want, "{input}");
        }
    }

    #[test]
    fn choices() {
        let cases: [(&str, (Option<u32>, bool)); 11] = [
            ("the second one", (Some(2), false)),
            ("#2", (Some(2), false)),
            ("option 3", (Some(3), false)),
            ("nummer zwei", (Some(2), false)),
            ("die zweite", (Some(2), false)),
            ("den ersten bitte", (Some(1), false)),
            ("the last one", (None, true)),
            ("the last time", (None, false)),
            ("the 2nd", (None, false)),
            ("on the first of march", (None, false)),
            ("2 people", (None, false)),
        ];
        for (input, want) in cases {
            let mut text = Text::new(input);
            super::super::contact::extract(&mut text);
            assert_eq!(CuedMessage::new(&text).choice(), want, "{input}");
        }
    }
}
