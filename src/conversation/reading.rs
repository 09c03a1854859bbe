//! Free text read with what the business offers: its services, staff, opening hours and FAQ
//! give the understanding module the words and times to look for.

use chrono::{DateTime, NaiveTime, Utc};

use crate::booking::BusinessCalendar;
use crate::languages::Locale;
use crate::understanding::{self, Context, DateOrder, ServiceName, StaffName, Understanding};

/// Runs the understanding module with the business's services, staff and hours.
pub fn understand(
    text: &str,
    calendar: &BusinessCalendar,
    hint: Option<Locale>,
    now: DateTime<Utc>,
) -> Understanding {
    let tz = calendar.business.tz;
    let synonyms: Vec<Vec<&str>> = calendar
        .services
        .iter()
        .map(|s| s.synonyms.iter().map(String::as_str).collect())
        .collect();
    let services: Vec<ServiceName<'_>> = calendar
        .services
        .iter()
        .zip(&synonyms)
        .map(|(s, syn)| ServiceName {
            id: &s.id,
            name: &s.name,
            synonyms: syn,
        })
        .collect();
    let staff: Vec<StaffName<'_>> = calendar
        .staff
        .iter()
        .map(|s| StaffName {
            id: &s.id,
            name: &s.name,
        })
        .collect();
    let mut context = Context::new(now.with_timezone(&tz).naive_local(), tz)
        .with_lang(hint)
        .with_services(&services)
        .with_staff(&staff)
        .with_faq(&calendar.faq.index)
        .with_date_order(if tz.name().starts_with("America/") {
            DateOrder::MonthDay
        } else {
            DateOrder::DayMonth
        });
    if let Some((open, close)) = opening_span(calendar) {
        context = context.with_opening(open, close);
    }
    understanding::understand(text, &context)
}

/// From the earliest opening to the latest closing of any staff member's week.
fn opening_span(calendar: &BusinessCalendar) -> Option<(NaiveTime, NaiveTime)> {
    let intervals = calendar
        .staff
        .iter()
        .flat_map(|s| s.weekly.iter().map(|(_, i)| i));
    let (mut open, mut close) = (u16::MAX, 0u16);
    for interval in intervals {
        open = open.min(interval.start());
        close = close.max(interval.end());
    }
    let time = |m: u16| {
        NaiveTime::from_hms_opt(u32::from(m.min(1439)) / 60, u32::from(m.min(1439)) % 60, 0)
    };
    (open < close)
        .then(|| Some((time(open)?, time(close)?)))
        .flatten()
}
