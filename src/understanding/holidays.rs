//! The dates of named days. Most are fixed, Easter-based or "the nth weekday of a month";
//! a few differ by country (Thanksgiving, Mother's Day, Father's Day), which is read from the
//! business's time zone until a business names its country.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::languages::vocabulary::Holiday;

/// The countries whose named days differ from the common rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Country {
    UnitedStates,
    Canada,
    UnitedKingdom,
    Ireland,
    Australia,
    Germany,
    Austria,
    Switzerland,
    Spain,
    Mexico,
    Other,
}

impl Country {
    /// The country a time zone is in, for the zones Chairside's languages are spoken in.
    pub(super) fn of_zone(zone: &str) -> Country {
        const CANADA: [&str; 12] = [
            "Toronto",
            "Vancouver",
            "Edmonton",
            "Winnipeg",
            "Halifax",
            "St_Johns",
            "Regina",
            "Montreal",
            "Moncton",
            "Whitehorse",
            "Yellowknife",
            "Iqaluit",
        ];
        const MEXICO: [&str; 8] = [
            "Mexico_City",
            "Cancun",
            "Monterrey",
            "Merida",
            "Chihuahua",
            "Tijuana",
            "Hermosillo",
            "Mazatlan",
        ];
        let (region, city) = zone.split_once('/').unwrap_or((zone, ""));
        match (region, city) {
            ("America", c) if CANADA.contains(&c) => Country::Canada,
            ("America", c) if MEXICO.contains(&c) => Country::Mexico,
            ("America", _) | ("US", _) | ("Pacific", "Honolulu") => Country::UnitedStates,
            ("Canada", _) => Country::Canada,
            ("Europe", "London" | "Belfast") | ("GB", _) => Country::UnitedKingdom,
            ("Europe", "Dublin") => Country::Ireland,
            ("Australia", _) => Country::Australia,
            ("Europe", "Berlin" | "Busingen") => Country::Germany,
            ("Europe", "Vienna") => Country::Austria,
            ("Europe", "Zurich") => Country::Switzerland,
            ("Europe", "Madrid") | ("Atlantic", "Canary") | ("Africa", "Ceuta") => Country::Spain,
            _ => Country::Other,
        }
    }
}

/// Western Easter Sunday (the anonymous Gregorian algorithm).
fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// How a named day falls in a year.
enum Rule {
    Fixed(u32, u32),
    /// Days after (or before) Easter Sunday.
    Easter(i64),
    /// The nth weekday of a month; `0` is the last.
    Nth(u32, Weekday, u8),
    /// The last given weekday strictly before a date (Buß- und Bettag, Victoria Day).
    Before(u32, u32, Weekday),
    /// The day after another named day.
    After(Holiday),
}

fn rule(holiday: Holiday, country: Country) -> Rule {
    use Country as C;
    use Holiday as H;
    match holiday {
        H::NewYearsDay => Rule::Fixed(1, 1),
        H::Epiphany => Rule::Fixed(1, 6),
        H::MartinLutherKingDay => Rule::Nth(1, Weekday::Mon, 3),
        H::ValentinesDay => Rule::Fixed(2, 14),
        H::PresidentsDay => Rule::Nth(2, Weekday::Mon, 3),
        H::StPatricksDay => Rule::Fixed(3, 17),
        H::Weiberfastnacht => Rule::Easter(-52),
        H::Rosenmontag => Rule::Easter(-48),
        H::ShroveTuesday => Rule::Easter(-47),
        H::AshWednesday => Rule::Easter(-46),
        H::MothersDay => match country {
            C::UnitedKingdom | C::Ireland => Rule::Easter(-21),
            C::Spain => Rule::Nth(5, Weekday::Sun, 1),
            C::Mexico => Rule::Fixed(5, 10),
            _ => Rule::Nth(5, Weekday::Sun, 2),
        },
        H::MaundyThursday => Rule::Easter(-3),
        H::GoodFriday => Rule::Easter(-2),
        H::HolySaturday => Rule::Easter(-1),
        H::Easter => Rule::Easter(0),
        H::EasterMonday => Rule::Easter(1),
        H::MayDay => Rule::Fixed(5, 1),
        H::EarlyMayBankHoliday => Rule::Nth(5, Weekday::Mon, 1),
        H::SanIsidro => Rule::Fixed(5, 15),
        H::VictoriaDay => Rule::Before(5, 25, Weekday::Mon),
        H::MemorialDay | H::SpringBankHoliday => Rule::Nth(5, Weekday::Mon, 0),
        H::Ascension => Rule::Easter(39),
        H::Pentecost => Rule::Easter(49),
        H::WhitMonday => Rule::Easter(50),
        H::CorpusChristi => Rule::Easter(60),
        H::FathersDay => match country {
            // Vatertag is Ascension Day; Spain's día del padre is San José.
            C::Germany | C::Austria | C::Switzerland => Rule::Easter(39),
            C::Spain => Rule::Fixed(3, 19),
            _ => Rule::Nth(6, Weekday::Sun, 3),
        },
        H::SanJuan => Rule::Fixed(6, 24),
        H::CanadaDay => Rule::Fixed(7, 1),
        H::IndependenceDay => Rule::Fixed(7, 4),
        H::Assumption => Rule::Fixed(8, 15),
        H::SummerBankHoliday => Rule::Nth(8, Weekday::Mon, 0),
        H::LabourDay => match country {
            C::UnitedStates | C::Canada => Rule::Nth(9, Weekday::Mon, 1),
            _ => Rule::Fixed(5, 1),
        },
        H::GermanUnityDay => Rule::Fixed(10, 3),
        H::Thanksgiving => match country {
            C::Canada => Rule::Nth(10, Weekday::Mon, 2),
            _ => Rule::Nth(11, Weekday::Thu, 4),
        },
        H::ColumbusDay => match country {
            C::UnitedStates => Rule::Nth(10, Weekday::Mon, 2),
            _ => Rule::Fixed(10, 12),
        },
        H::Halloween | H::ReformationDay => Rule::Fixed(10, 31),
        H::AllSaints => Rule::Fixed(11, 1),
        H::VeteransDay => Rule::Fixed(11, 11),
        H::RepentanceDay => Rule::Before(11, 23, Weekday::Wed),
        H::BlackFriday => Rule::After(H::Thanksgiving),
        H::StNicholas | H::ConstitutionDay => Rule::Fixed(12, 6),
        H::ImmaculateConception => Rule::Fixed(12, 8),
        H::ChristmasEve => Rule::Fixed(12, 24),
        H::Christmas => Rule::Fixed(12, 25),
        H::BoxingDay => Rule::Fixed(12, 26),
        H::NewYearsEve => Rule::Fixed(12, 31),
    }
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> Option<NaiveDate> {
    if n == 0 {
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        }?;
        return last_before(next, weekday);
    }
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

/// The last `weekday` strictly before `date`.
fn last_before(date: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let back = (7 + date.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    date.checked_sub_days(Days::new(u64::from(if back == 0 { 7 } else { back })))
}

fn in_year(holiday: Holiday, country: Country, year: i32) -> Option<NaiveDate> {
    match rule(holiday, country) {
        Rule::Fixed(month, day) => NaiveDate::from_ymd_opt(year, month, day),
        Rule::Easter(offset) => easter(year)?.checked_add_signed(chrono::Duration::days(offset)),
        Rule::Nth(month, weekday, n) => nth_weekday(year, month, weekday, n),
        Rule::Before(month, day, weekday) => {
            last_before(NaiveDate::from_ymd_opt(year, month, day)?, weekday)
        }
        Rule::After(other) => in_year(other, country, year)?.succ_opt(),
    }
}

/// The next time the named day falls, today included.
pub(super) fn next(holiday: Holiday, country: Country, today: NaiveDate) -> Option<NaiveDate> {
    let this_year = in_year(holiday, country, today.year())?;
    if this_year >= today {
        Some(this_year)
    } else {
        in_year(holiday, country, today.year() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn easter_sundays() {
        for (year, want) in [
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter(year), Some(date(want)), "{year}");
        }
    }

    #[test]
    fn named_days_by_country() {
        let today = date("2025-09-01");
        let cases = [
            (Holiday::Thanksgiving, Country::UnitedStates, "2025-11-27"),
            (Holiday::Thanksgiving, Country::Canada, "2025-10-13"),
            (Holiday::BlackFriday, Country::UnitedStates, "2025-11-28"),
            (Holiday::MothersDay, Country::UnitedKingdom, "2026-03-15"),
            (Holiday::MothersDay, Country::Germany, "2026-05-10"),
            (Holiday::MothersDay, Country::Spain, "2026-05-03"),
            (Holiday::Rosenmontag, Country::Germany, "2026-02-16"),
            (Holiday::RepentanceDay, Country::Germany, "2025-11-19"),
            (Holiday::LabourDay, Country::UnitedStates, "2025-09-01"),
            (Holiday::MemorialDay, Country::UnitedStates, "2026-05-25"),
            (
                Holiday::SummerBankHoliday,
                Country::UnitedKingdom,
                "2026-08-31",
            ),
            (Holiday::VictoriaDay, Country::Canada, "2026-05-18"),
            (Holiday::BoxingDay, Country::Other, "2025-12-26"),
        ];
        for (holiday, country, want) in cases {
            assert_eq!(
                next(holiday, country, today),
                Some(date(want)),
                "{holiday:?}"
            );
        }
    }

    #[test]
    fn zones_name_their_country() {
        assert_eq!(Country::of_zone("America/Toronto"), Country::Canada);
        assert_eq!(Country::of_zone("America/New_York"), Country::UnitedStates);
        assert_eq!(Country::of_zone("Europe/Madrid"), Country::Spain);
        assert_eq!(Country::of_zone("America/Mexico_City"), Country::Mexico);
        assert_eq!(Country::of_zone("Asia/Tokyo"), Country::Other);
    }
}
