//! Phrases with named placeholders, and the one function that fills them.
//!
//! A language file writes each phrase whole, as a translator reads it: `"{service} with {staff}
//! on {when}"`. The engines pass the values by name and never see the words around them, so a
//! language may put the parts in any order. A record of phrases is declared with [`phrases!`],
//! which also lists every phrase with the placeholders it must fill; a test holds every
//! language's records to those lists.

/// One phrase of a record, as [`phrases!`] lists them.
#[derive(Debug, Clone, Copy)]
pub struct Phrase {
    pub name: &'static str,
    pub template: &'static str,
    /// The placeholders the template must fill, each at least once, and no others.
    pub placeholders: &'static [&'static str],
}

/// Declares a record of phrases: a struct with one `&'static str` field per phrase, and
/// `phrases()`, which lists them with the placeholders each must fill (`greeting(business)`: the
/// template must say `{business}`; a bare name takes none).
macro_rules! phrases {
    (
        $(#[$meta:meta])*
        pub struct $record:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident $( ( $($placeholder:ident),* ) )?,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub struct $record {
            $( $(#[$field_meta])* pub $field: &'static str, )*
        }

        impl $record {
            /// Every phrase, with the placeholders it must fill.
            pub fn phrases(&self) -> Vec<$crate::languages::phrases::Phrase> {
                vec![$(
                    $crate::languages::phrases::Phrase {
                        name: stringify!($field),
                        template: self.$field,
                        placeholders: &[$($(stringify!($placeholder)),*)?],
                    },
                )*]
            }
        }
    };
}
pub(crate) use phrases;

/// `template` with every `{name}` that `values` names replaced by its value. A placeholder
/// without a value stays as written, where a test finds it; values are not read again, so a
/// customer's text with braces in it comes out as sent.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders a template names, in order, repeats included.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                found.push(&after[..close]);
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_named_placeholders_in_any_order() {
        assert_eq!(
            fill("{b} and {a}, {a} again", &[("a", "A"), ("b", "B")]),
            "B and A, A again"
        );
        assert_eq!(fill("no placeholders", &[("a", "A")]), "no placeholders");
    }

    #[test]
    fn leaves_unknown_placeholders_and_values_as_they_are() {
        assert_eq!(fill("{a} {missing}", &[("a", "{a}")]), "{a} {missing}");
        assert_eq!(fill("open { brace", &[]), "open { brace");
        assert_eq!(fill("ends {", &[]), "ends {");
    }

    #[test]
    fn lists_placeholders() {
        assert_eq!(placeholders("{a} x {b} {a}"), ["a", "b", "a"]);
        assert!(placeholders("none").is_empty());
    }
}
