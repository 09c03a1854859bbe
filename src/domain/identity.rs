//! Names that identify things: slugs, zones, booking references.

use std::fmt;
use std::str::FromStr;

use rand::Rng;

use super::ValidationError;

/// The public handle of a business in URLs: `demo-barber`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let ok_chars = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !(2..=63).contains(&raw.len())
            || !ok_chars
            || raw.starts_with('-')
            || raw.ends_with('-')
            || raw.contains("--")
        {
            return Err(ValidationError::new(
                field,
                "must be 2 to 63 lower-case letters, digits or single dashes, not starting or ending with a dash",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An IANA time zone known to chrono-tz.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZoneName(chrono_tz::Tz);

impl TimeZoneName {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        chrono_tz::Tz::from_str(raw.trim()).map(Self).map_err(|_| {
            ValidationError::new(
                field,
                format!("{raw:?} is not an IANA time zone (for example Europe/Berlin or America/New_York)"),
            )
        })
    }

    pub fn tz(self) -> chrono_tz::Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

/// The short code a customer reads out on the phone: `K7Q-4MX`. The alphabet leaves out letters
/// and digits that are confused when spoken or handwritten (0/O, 1/I/L, 5/S, 8/B, 2/Z, U/V).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BookingReference(String);

const REFERENCE_ALPHABET: &[u8] = b"34679ACDEFGHJKMNPQRTWXY";

impl BookingReference {
    pub fn generate(rng: &mut impl Rng) -> Self {
        let mut code = String::with_capacity(7);
        for i in 0..6 {
            if i == 3 {
                code.push('-');
            }
            code.push(REFERENCE_ALPHABET[rng.random_range(0..REFERENCE_ALPHABET.len())] as char);
        }
        Self(code)
    }

    /// Accepts what a customer types: any case, with or without the dash, with spaces.
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.len() != 6 || !compact.bytes().all(|b| REFERENCE_ALPHABET.contains(&b)) {
            return Err(ValidationError::new(
                field,
                "is not a booking reference like K7Q-4MX",
            ));
        }
        Ok(Self(format!("{}-{}", &compact[..3], &compact[3..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(Slug::parse("slug", "demo-barber").is_ok());
        for bad in ["", "a", "Demo", "-x", "x-", "a--b", "ä-b", "a b"] {
            assert!(Slug::parse("slug", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn zones() {
        assert_eq!(
            TimeZoneName::parse("tz", "Europe/Berlin").unwrap().name(),
            "Europe/Berlin"
        );
        assert!(TimeZoneName::parse("tz", "Mars/Olympus").is_err());
        assert!(TimeZoneName::parse("tz", "").is_err());
    }

    #[test]
    fn references_round_trip_through_what_people_type() {
        let mut rng = rand::rng();
        for _ in 0..100 {
            let r = BookingReference::generate(&mut rng);
            assert_eq!(r.as_str().len(), 7);
            let typed = r.as_str().to_lowercase().replace('-', " ");
            assert_eq!(BookingReference::parse("ref", &typed).unwrap(), r);
        }
        assert!(BookingReference::parse("ref", "K0Q-4MX").is_err());
    }
}
