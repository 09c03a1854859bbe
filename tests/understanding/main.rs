//! The understanding module against labelled corpora and arbitrary input.

mod common;
mod corpora;
mod no_panic;
