//! Chairside: appointment booking by chat for small businesses.
//!
//! The layers, inner to outer — each depends only on those before it, and the modules of one
//! group of `pub mod` lines below do not use each other (`tests/architecture.rs` checks both):
//! - [`clock`]: where "now" comes from, real or fixed for tests;
//! - [`domain`]: validated values (slugs, zones, hours, policies);
//! - [`html`]: escaping text for pages and mails;
//! - [`languages`]: one module per language: its words, names and every text Chairside writes;
//! - [`scheduling`]: the pure core that computes free slots;
//! - [`understanding`]: reading dates, times, services and intents in a customer's message;
//! - [`storage`]: the database (SQLite or PostgreSQL through one diesel connection type);
//! - [`error`]: the use-case error, `AppError`;
//! - [`vault`]: secrets at rest, sealed under the server's key;
//! - [`access`]: API keys and booking manage tokens;
//! - [`metrics`]: Prometheus counters and histograms;
//! - [`jobs`]: the durable queue of background work;
//! - [`limits`]: per-client request limits, shared across instances;
//! - [`config`]: configuration from environment variables;
//! - [`customers`]: who a customer is, known only by proof;
//! - [`details`]: bookings with the names that go with them, as every layer above shows them;
//! - [`notifications`]: emails, reminders and calendar files, planned as jobs by the use cases;
//! - [`accounts`]: staff logins, passwords and sessions;
//! - [`booking`]: use cases that combine storage and the core inside transactions;
//! - [`conversation`]: the chat engine: customers book, move and cancel by chatting;
//! - [`setup`]: setting a business up: the business, staff, services, closures, questions;
//! - [`channels`]: Messenger, WhatsApp, Telegram and SMS: the conversation on the customer's app;
//! - [`demo`]: the demo business;
//! - [`privacy`]: what customers may ask of their data, and how long it is kept;
//! - [`api`]: HTTP handlers, thin translations between JSON and the use cases;
//! - [`web`]: the staff and customer pages;
//! - [`startup`]: building and running the server;
//! - [`understand_cli`]: `chairside understand`, the understanding module on the command line;
//! - [`cli`]: the command line.

pub mod clock;
pub mod domain;
pub mod html;

pub mod languages;

pub mod scheduling;
pub mod understanding;

pub mod storage;

pub mod error;
pub mod vault;

pub mod access;
pub mod metrics;

pub mod jobs;
pub mod limits;

pub mod config;

pub mod customers;
pub mod details;

pub mod notifications;

pub mod accounts;
pub mod booking;

pub mod conversation;
pub mod setup;

pub mod channels;
pub mod demo;
pub mod privacy;

pub mod api;

pub mod web;

pub mod startup;
pub mod understand_cli;

pub mod cli;
