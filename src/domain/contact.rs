//! How to reach a customer.

use super::{ValidationError, required_text};

/// A person's name as they gave it, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        required_text(field, raw, 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An email address, with the domain lower-cased so that one customer is found again whatever
/// case they typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        let invalid =
            |why: &str| ValidationError::new(field, format!("is not a valid email address: {why}"));
        if raw.len() > 254 {
            return Err(invalid("longer than 254 characters"));
        }
        let (local, domain) = raw.rsplit_once('@').ok_or_else(|| invalid("no @"))?;
        if local.is_empty() || local.len() > 64 {
            return Err(invalid("the part before @ must have 1 to 64 characters"));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(invalid("the domain is malformed"));
        }
        let local_ok = local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        if !local_ok {
            return Err(invalid(
                "the part before @ contains characters that are not allowed",
            ));
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A phone number reduced to digits, with a leading `+` when the customer gave a country code
/// (`00` is read as `+`). Punctuation people type (spaces, dashes, dots, brackets) is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        let invalid =
            |why: &str| ValidationError::new(field, format!("is not a valid phone number: {why}"));
        let (international, rest) = if let Some(rest) = raw.strip_prefix('+') {
            (true, rest)
        } else if let Some(rest) = raw.strip_prefix("00") {
            (true, rest)
        } else {
            (false, raw)
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' | '/' => {}
                _ => {
                    return Err(invalid(
                        "only digits, spaces, dashes, dots, brackets and a leading + are allowed",
                    ));
                }
            }
        }
        if !(5..=15).contains(&digits.len()) {
            return Err(invalid("must have between 5 and 15 digits"));
        }
        Ok(Self(if international {
            format!("+{digits}")
        } else {
            digits
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        let e = EmailAddress::parse("email", " Anna.Schmidt@Example.DE ").unwrap();
        assert_eq!(e.as_str(), "Anna.Schmidt@example.de");
        for bad in [
            "",
            "anna",
            "anna@",
            "@x.de",
            "anna@localhost",
            "a b@x.de",
            "anna@x..de",
            "anna@-x.de",
        ] {
            assert!(
                EmailAddress::parse("email", bad).is_err(),
                "{bad:?} accepted"
            );
        }
        assert!(EmailAddress::parse("email", "jürgen@müller.de").is_ok());
    }

    #[test]
    fn phones_keep_digits_and_country_code() {
        assert_eq!(
            PhoneNumber::parse("p", "+49 (30) 123-456")
                .unwrap()
                .as_str(),
            "+4930123456"
        );
        assert_eq!(
            PhoneNumber::parse("p", "0049 30 123456").unwrap().as_str(),
            "+4930123456"
        );
        assert_eq!(
            PhoneNumber::parse("p", "030 123456").unwrap().as_str(),
            "030123456"
        );
        for bad in ["", "12", "call me", "+49 30 12345678901234", "555-CALL"] {
            assert!(PhoneNumber::parse("p", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn names_are_required_and_bounded() {
        assert_eq!(PersonName::parse("n", "  Anna ").unwrap().as_str(), "Anna");
        assert!(PersonName::parse("n", "   ").is_err());
        assert!(PersonName::parse("n", &"x".repeat(101)).is_err());
        assert!(PersonName::parse("n", "a\u{0}b").is_err());
    }
}
