use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // libpq and this binary share one static OpenSSL. Left to itself, OpenSSL frees its state
    // in an exit handler while pooled PostgreSQL connections on other threads still use it:
    // "double free or corruption" at every shutdown. Initialised first, without that handler.
    openssl_sys::init();
    chairside::cli::run(chairside::cli::Cli::parse())
}
