//! `chairside understand`: the understanding module from the command line, one message or a
//! stream of JSON lines, for trying phrasings and scoring corpora.

use std::io::{BufRead, Write};
use std::sync::Arc;

use chrono::{NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::booking::{BusinessCalendar, CalendarCache};
use crate::config::Config;
use crate::domain::TimeZoneName;
use crate::languages::Locale;
use crate::storage::{Database, businesses};
use crate::understanding::{Context, FaqExamples, FaqIndex, TimeRange, Understanding, understand};

/// The arguments of `chairside understand`.
#[derive(Debug, clap::Args)]
pub struct UnderstandArgs {
    /// Local wall-clock "now" the message is read against, e.g. 2019-03-01T09:00:00 (default:
    /// the current time in the zone).
    #[arg(long)]
    pub now: Option<String>,
    /// IANA time zone.
    #[arg(long, default_value = "UTC")]
    pub tz: String,
    /// Language hint, a language code such as en, de or es (default: detect).
    #[arg(long)]
    pub lang: Option<String>,
    /// Match services and staff of this business (from DATABASE_URL).
    #[arg(long)]
    pub business: Option<String>,
    pub text: Option<String>,
}

/// One input line.
#[derive(Debug, Deserialize)]
struct Line {
    text: String,
    now: Option<String>,
    time_zone: Option<String>,
    lang: Option<String>,
    /// The business's opening hours, `["09:00", "19:00"]`, which decide what a bare "at 3" is.
    opening: Option<[String; 2]>,
    /// The business's FAQ: `[{"id": "parking", "examples": ["Is there parking nearby?"]}]`.
    #[serde(default)]
    faq: Vec<FaqExamples>,
}

/// The fields printed: those a booking needs, absent when not understood.
#[derive(Debug, Serialize)]
struct Printed {
    #[serde(skip_serializing_if = "Option::is_none")]
    intent: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    staff: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_range: Option<TimeRange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choice: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    question: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    faq: Option<String>,
}

pub fn run(config: &Config, args: UnderstandArgs) -> Result<(), String> {
    let calendar = match &args.business {
        Some(slug) => Some(load_business(config, slug)?),
        None => None,
    };
    let defaults = Settings::parse(args.now.as_deref(), &args.tz, args.lang.as_deref())?;
    if let Some(text) = &args.text {
        println!("{}", read_one(text, &defaults, calendar.as_deref()));
        return Ok(());
    }
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (number, line) in stdin.lock().lines().enumerate() {
        let line = line.map_err(|e| format!("reading standard input: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let printed = match serde_json::from_str::<Line>(&line) {
            Ok(input) => match Settings::parse(
                input.now.as_deref().or(args.now.as_deref()),
                input.time_zone.as_deref().unwrap_or(&args.tz),
                input.lang.as_deref().or(args.lang.as_deref()),
            ) {
                Ok(settings) => match opening(input.opening.as_ref()) {
                    Ok(hours) => {
                        let faq = FaqIndex::new(&input.faq);
                        let settings = Settings { opening: hours, faq: Some(faq), ..settings };
                        read_one(&input.text, &settings, calendar.as_deref())
                    }
                    Err(e) => serde_json::json!({ "error": format!("line {}: {e}", number + 1) }).to_string(),
                },
                Err(e) => serde_json::json!({ "error": format!("line {}: {e}", number + 1) }).to_string(),
            },
            Err(e) => serde_json::json!({ "error": format!("line {}: not a JSON object with \"text\": {e}", number + 1) }).to_string(),
        };
        writeln!(out, "{printed}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

struct Settings {
    now: NaiveDateTime,
    tz: Tz,
    lang: Option<Locale>,
    opening: Option<(NaiveTime, NaiveTime)>,
    faq: Option<FaqIndex>,
}

fn opening(raw: Option<&[String; 2]>) -> Result<Option<(NaiveTime, NaiveTime)>, String> {
    let Some([from, to]) = raw else {
        return Ok(None);
    };
    let read = |t: &str| {
        NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| format!("opening {t:?}: use HH:MM"))
    };
    Ok(Some((read(from)?, read(to)?)))
}

impl Settings {
    fn parse(now: Option<&str>, tz: &str, lang: Option<&str>) -> Result<Self, String> {
        let tz = TimeZoneName::parse("tz", tz)
            .map_err(|e| e.to_string())?
            .tz();
        let now = match now {
            Some(raw) => NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S")
                .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M"))
                .map_err(|_| format!("--now {raw:?}: use YYYY-MM-DDTHH:MM:SS (local time)"))?,
            None => Utc::now().with_timezone(&tz).naive_local(),
        };
        let lang = lang
            .map(|l| {
                Locale::from_tag(l).ok_or_else(|| {
                    let codes: Vec<&str> = Locale::all().map(Locale::as_str).collect();
                    format!("--lang {l:?}: use one of {}", codes.join(", "))
                })
            })
            .transpose()?;
        Ok(Self {
            now,
            tz,
            lang,
            opening: None,
            faq: None,
        })
    }
}

fn read_one(text: &str, settings: &Settings, calendar: Option<&BusinessCalendar>) -> String {
    let understood = match calendar {
        Some(calendar) => {
            let now = settings
                .now
                .and_local_timezone(settings.tz)
                .earliest()
                .map_or_else(Utc::now, |t| t.to_utc());
            crate::conversation::engine::understand(text, calendar, settings.lang, now)
        }
        None => {
            let context = Context::new(settings.now, settings.tz).with_lang(settings.lang);
            let context = match settings.opening {
                Some((from, to)) => context.with_opening(from, to),
                None => context,
            };
            let context = match &settings.faq {
                Some(faq) => context.with_faq(faq),
                None => context,
            };
            understand(text, &context)
        }
    };
    let printed = printed(&understood, calendar);
    serde_json::to_string(&printed).unwrap_or_else(|_| "{}".to_owned())
}

fn printed(u: &Understanding, calendar: Option<&BusinessCalendar>) -> Printed {
    // Ids mean nothing on a command line: print the business's own names.
    let service_name = |id: &String| {
        calendar
            .and_then(|c| c.service(id))
            .map_or_else(|| id.clone(), |s| s.name.clone())
    };
    let staff_name = |id: &String| {
        calendar
            .and_then(|c| c.staff_name(id))
            .map_or_else(|| id.clone(), str::to_owned)
    };
    Printed {
        intent: u.intent.map(|i| i.as_str()),
        service: u.service.as_ref().map(service_name),
        staff: u.staff.as_ref().map(staff_name),
        date: u.date.map(|d| d.format("%Y-%m-%d").to_string()),
        time: u.time.map(|t| t.format("%H:%M").to_string()),
        time_range: u.time_range,
        choice: u.choice,
        question: u.question.map(|q| q.as_str()),
        faq: u.faq.clone(),
    }
}

fn load_business(config: &Config, slug: &str) -> Result<Arc<BusinessCalendar>, String> {
    let db = Database::open(&config.database_url, 1).map_err(|e| e.to_string())?;
    let cache = CalendarCache::default();
    db.read_blocking(|conn| {
        let business = businesses::by_slug(conn, slug)?.ok_or_else(|| {
            crate::storage::StorageError::corrupt(
                format!("business {slug:?}"),
                format!("not in {}", config.database_url),
            )
        })?;
        cache.get(conn, &business)
    })
    .map_err(|e: crate::storage::StorageError| e.to_string())
}
