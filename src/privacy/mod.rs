//! What customers may ask of their data (GDPR art. 15 and 17), and how long it is kept.
//!
//! - [`search`]: owners find a person by name, phone number (any format, compared in E.164) or
//!   email address — customer records, and bookings that only carry that contact as a snapshot
//!   and were never linked to one;
//! - [`merge`]: staff confirm which of those bookings belong to the person and link them to a
//!   customer record (a new one, made from the bookings, when there is none) — a manual merge,
//!   the only merge that typed contact details ever lead to;
//! - [`hints`]: an unlinked booking whose contact names a known customer says so in the staff
//!   views ("same phone as Vera V., 4 visits"), so staff know a merge is there to be made;
//! - [`export`]: everything stored about a customer as one document;
//! - [`erasure`]: a customer's contact details and transcripts removed in one transaction, their
//!   bookings kept as anonymous time blocks (the calendar stays true), their queued messages
//!   cancelled; then their mail files removed ([`mail_files`]) and SQLite's log emptied;
//! - [`retention`]: a daily job that deletes chat messages older than a business keeps them.
//!
//! Who may: the business's owners and its API key, never the staff role (`api::extract::Owner`).

pub mod erasure;
pub mod export;
pub mod hints;
pub mod mail_files;
pub mod merge;
pub mod retention;
pub mod search;

pub use erasure::{Erasure, erase};
pub use export::{CustomerRecord, gather};
pub use hints::{Hint, hints_for};
pub use retention::{RETENTION_JOB, RetentionHandler};
pub use search::{Found, SearchQuery, search};
