use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Before anything can reach PostgreSQL (see `prepare_tls`).
    chairside::storage::prepare_tls();
    chairside::cli::run(chairside::cli::Cli::parse())
}
