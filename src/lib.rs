//! Chairside: appointment booking by chat for small businesses.
//!
//! The layers, inner to outer — each depends only on those before it:
//! - [`domain`]: validated values (slugs, zones, hours, policies);
//! - [`scheduling`]: the pure core that computes free slots;
//! - [`storage`]: the database (SQLite or PostgreSQL through one diesel connection type);
//! - [`booking`]: use cases that combine storage and the core inside transactions;
//! - [`notifications`]: emails, reminders and calendar files, planned as jobs in those transactions;
//! - [`api`]: HTTP handlers, thin translations between JSON and the use cases;
//! - [`vault`]: secrets at rest, sealed under the server's key.

pub mod access;
pub mod accounts;
pub mod api;
pub mod booking;
pub mod channels;
pub mod cli;
pub mod clock;
pub mod config;
pub mod conversation;
pub mod customers;
pub mod demo;
pub mod domain;
pub mod error;
pub mod jobs;
pub mod limits;
pub mod metrics;
pub mod notifications;
pub mod privacy;
pub mod scheduling;
pub mod setup;
pub mod startup;
pub mod storage;
pub mod understand_cli;
pub mod understanding;
pub mod vault;
pub mod web;
