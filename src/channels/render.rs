//! Fitting text into platforms' limits without cutting words into nonsense.

use crate::conversation::Choice;
use crate::languages::Locale;

/// `text` in at most `max` characters: whole words, then "…" when something was left out. A
/// single word longer than the limit is cut with "…".
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let room = max - 1;
    let mut kept = String::new();
    for word in text.split_whitespace() {
        let next = if kept.is_empty() {
            word.chars().count()
        } else {
            kept.chars().count() + 1 + word.chars().count()
        };
        if next > room {
            break;
        }
        if !kept.is_empty() {
            kept.push(' ');
        }
        kept.push_str(word);
    }
    if kept.is_empty() {
        kept = text.chars().take(room).collect();
    }
    let kept = kept.trim_end_matches([',', ';', ':', '-', '–', '(', '·']);
    format!("{}…", kept.trim_end())
}

/// The choices as numbered lines, answered with a digit, for platforms without buttons (SMS)
/// and for choices beyond a platform's button limit.
pub fn numbered(choices: &[Choice], first: usize, locale: Locale) -> String {
    let mut lines: Vec<String> = choices
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} {}", first + i, c.title))
        .collect();
    lines.push(locale.language().replies.reply_with_number.to_owned());
    lines.join("\n")
}

/// `text` followed by `more`, in at most `max` characters, `text` shortened first.
pub fn with_appendix(text: &str, more: &str, max: usize) -> String {
    if more.is_empty() {
        return shorten(text, max);
    }
    let more_len = more.chars().count() + 2;
    if more_len >= max {
        return shorten(&format!("{text}\n\n{more}"), max);
    }
    format!("{}\n\n{more}", shorten(text, max - more_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_whole_words() {
        assert_eq!(shorten("Haircut", 20), "Haircut");
        assert_eq!(
            shorten("Fri 5 Mar 16:30 with Alexandra", 20),
            "Fri 5 Mar 16:30…"
        );
        assert_eq!(shorten("Beard trim, wash and style", 12), "Beard trim…");
        assert_eq!(
            shorten("Supercalifragilisticexpialidocious", 10),
            "Supercali…"
        );
        assert!(
            shorten("Haarschnitt für Kinder unter zwölf", 20)
                .chars()
                .count()
                <= 20
        );
    }

    #[test]
    fn numbers_choices() {
        let choices = vec![Choice::new("Haircut", "a"), Choice::new("Fade", "b")];
        assert_eq!(
            numbered(&choices, 1, Locale::En),
            "1 Haircut\n2 Fade\nReply with the number."
        );
    }

    #[test]
    fn appendix_survives_a_long_text() {
        let long = "word ".repeat(500);
        let out = with_appendix(&long, "1 Yes\n2 No", 100);
        assert!(out.chars().count() <= 100);
        assert!(out.ends_with("1 Yes\n2 No"));
    }
}
