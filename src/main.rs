use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    chairside::cli::run(chairside::cli::Cli::parse())
}
