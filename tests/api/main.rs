//! Integration tests: the real server on a random port, a fresh real database per test, every
//! scenario on SQLite and on PostgreSQL.

mod helpers;

mod availability_cache;
mod bookings;
mod businesses;
mod care;
mod channels;
mod chat;
mod concurrency;
mod corrupt_data;
mod dst;
mod holds;
mod inbox;
mod jobs;
mod limits;
mod logins;
mod mail;
mod menus;
mod notifications;
mod openapi;
mod pages;
mod platform_identity;
mod privacy;
mod proof;
mod repair;
mod restart;
mod secrets;
mod staff_access;
mod streams;
