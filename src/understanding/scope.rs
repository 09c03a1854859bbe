//! Where a negation reaches. Customers correct themselves inside one message
//! ("not tomorrow, friday", "freitag geht nicht, lieber samstag", "I forgot I
//! had something on the 12th. Can you do the 13th"), so each token gets a
//! penalty that the date/time pickers subtract from a mention's score.

use super::lexicon::Lex;
use super::text::Text;
use crate::languages::vocabulary::scope::{
    NEGATES_CLAUSE, NEGATES_NEXT, NEGATES_WITH_OF, STARTS_CLAUSE,
};

/// A mention in a clause that contains a negation.
pub(super) const CLAUSE: i32 = 10;
/// A mention right after "not", "nicht", "instead of".
pub(super) const DIRECT: i32 = 20;
const DIRECT_REACH: usize = 4;

fn has(text: &Text, i: usize, flag: u8) -> bool {
    text.toks.get(i).is_some_and(|t| t.flags & flag != 0)
}

fn starts_clause(text: &Text, i: usize) -> bool {
    has(text, i, STARTS_CLAUSE)
}

fn is_negation(text: &Text, i: usize) -> bool {
    has(text, i, NEGATES_CLAUSE)
}

/// "not before 4" means after 4: the relation word takes the negation.
fn negates_relation(text: &Text, i: usize) -> bool {
    matches!(
        text.lex(i + 1),
        Lex::Before | Lex::After | Lex::Vor | Lex::Nach | Lex::Later | Lex::Early
    )
}

/// Starts of phrases whose object is rejected: "not X", "instead of X", "statt X".
fn direct_negation_len(text: &Text, i: usize) -> Option<usize> {
    let with_of = text.lex(i + 1) == Lex::Of || text.is_word(i + 1, "than");
    if has(text, i, NEGATES_WITH_OF) && with_of {
        return Some(2);
    }
    (has(text, i, NEGATES_NEXT) && !negates_relation(text, i)).then_some(1)
}

fn names_a_when(text: &Text, i: usize) -> bool {
    text.num(i).is_some()
        || matches!(
            text.lex(i),
            Lex::Weekday(_)
                | Lex::WeekdayShort(_)
                | Lex::Today
                | Lex::Tomorrow
                | Lex::Morgen
                | Lex::Overmorrow
                | Lex::Tonight
                | Lex::Holiday(_)
                | Lex::Ordinal(_)
        )
}

pub(super) fn penalties(text: &Text) -> Vec<i32> {
    let n = text.len();
    let mut pen = vec![0; n];
    let mut clause_start = 0;
    let mut negated = false;
    for i in 0..=n {
        let punct_break = i < n && text.is_clause_break(i);
        // "can't make thursday": "make" starts no new thought right after a negation.
        let after_negation = i > 0 && is_negation(text, i - 1);
        let boundary = i == n
            || punct_break
            || (i > clause_start && starts_clause(text, i) && !after_negation);
        if boundary {
            if negated {
                pen[clause_start..i].iter_mut().for_each(|p| *p += CLAUSE);
            }
            clause_start = if punct_break { i + 1 } else { i };
            negated = false;
        }
        if i == n {
            break;
        }
        if is_negation(text, i) && !negates_relation(text, i) {
            negated = true;
        }
        if let Some(len) = direct_negation_len(text, i) {
            let reach = (i + len..n)
                .take(DIRECT_REACH)
                .take_while(|&j| !text.is_clause_break(j) && !starts_clause(text, j));
            // "statt Mittwoch am Do.": the rejection ends with the day or time it names.
            for j in reach {
                pen[j] += DIRECT;
                if names_a_when(text, j) {
                    break;
                }
            }
        }
    }
    pen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn penalised(input: &str) -> Vec<String> {
        let text = Text::new(input);
        let pen = penalties(&text);
        (0..text.len())
            .filter(|&i| pen[i] > 0)
            .map(|i| text.word(i).to_string())
            .collect()
    }

    #[test]
    fn scopes() {
        assert_eq!(penalised("not tomorrow, friday"), ["not", "tomorrow"]);
        assert_eq!(
            penalised("freitag geht nicht, lieber samstag"),
            ["freitag", "geht", "nicht"]
        );
        assert!(
            penalised("no no i am not free on tomorrow book it on next friday")
                .iter()
                .all(|w| w != "friday")
        );
        assert!(
            penalised("check for ten in the morning instead of afternoon")
                .contains(&"afternoon".to_string())
        );
        assert!(penalised("not before 4").is_empty());
        assert!(penalised("book it for 3pm").is_empty());
    }
}
