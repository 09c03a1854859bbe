//! The command line: `chairside [serve]`, `chairside migrate`, `chairside demo`,
//! `chairside generate-key`, `chairside rotate-key`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::startup::Application;
use crate::storage::{Database, businesses};
pub use crate::understand_cli::UnderstandArgs;
use crate::vault::{self, KeySource, MasterKey, NEW_KEY_VARIABLE};

#[derive(Debug, Parser)]
#[command(
    name = "chairside",
    version,
    about = "Appointment booking by chat for small businesses"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create the demo business `demo-barber` if missing, and print a new API key and owner
    /// password for it.
    Demo,
    /// Print what Chairside understands in a customer message, as JSON. Without TEXT, read JSON
    /// lines (`{"text":…}`, optionally with `now`, `time_zone`, `lang`) from standard input.
    Understand(UnderstandArgs),
    /// Print a new secret key for CHAIRSIDE_SECRET_KEY (base64 of 32 random bytes).
    GenerateKey,
    /// Re-encrypt every stored secret under a new key, in one transaction. Stop every instance
    /// first. The new key is CHAIRSIDE_NEW_SECRET_KEY if set, else a new one; with a SQLite key
    /// file it replaces the file, otherwise it is printed (unless it came from
    /// CHAIRSIDE_NEW_SECRET_KEY) and CHAIRSIDE_SECRET_KEY must be set to it before starting again.
    RotateKey,
}

pub fn run(cli: Cli) -> ExitCode {
    init_tracing();
    let result = match cli.command.unwrap_or(Command::Serve) {
        // Needs no configuration: it is how a missing or malformed key gets fixed.
        Command::GenerateKey => generate_key(),
        command => match Config::from_env() {
            Ok(config) => run_configured(config, command),
            Err(e) => Err(format!("configuration error: {e}")),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn run_configured(config: Config, command: Command) -> Result<(), String> {
    match command {
        Command::Serve => serve(config),
        Command::Migrate => migrate(&config),
        Command::Demo => demo(&config),
        Command::Understand(args) => crate::understand_cli::run(&config, args),
        Command::RotateKey => rotate_key(&config),
        Command::GenerateKey => generate_key(),
    }
}

fn generate_key() -> Result<(), String> {
    println!("{}", MasterKey::generate().to_base64());
    Ok(())
}

fn fail(message: &str) -> ExitCode {
    tracing::error!("{message}");
    eprintln!("chairside: {message}");
    ExitCode::FAILURE
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CHAIRSIDE_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

fn serve(config: Config) -> Result<(), String> {
    let system = actix_web::rt::System::new();
    system.block_on(async move {
        let bind = config.bind;
        let backend = if config.database_url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        let app = Application::build(config).map_err(|e| e.to_string())?;
        tracing::info!(%bind, port = app.port(), backend, "Chairside is listening");
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

fn migrate(config: &Config) -> Result<(), String> {
    let db = Database::open(&config.database_url, 1).map_err(|e| e.to_string())?;
    println!("migrations applied ({} database)", db.backend().name());
    Ok(())
}

fn demo(config: &Config) -> Result<(), String> {
    let db = Database::open(&config.database_url, 1).map_err(|e| e.to_string())?;
    let now = chrono::Utc::now();
    let credentials = db
        .write_blocking(|conn| -> Result<_, crate::error::AppError> {
            match businesses::by_slug(conn, crate::demo::DEMO_SLUG)? {
                None => crate::demo::create(conn, now),
                Some(business) => crate::demo::DemoCredentials::renew(conn, &business.id, now),
            }
        })
        .map_err(|e| e.to_string())?;
    println!("demo business: {}", crate::demo::DEMO_SLUG);
    println!(
        "API key (shown once; running this again issues a new one): {}",
        credentials.api_key
    );
    println!(
        "staff page: {}/staff  login {}  password {} (also renewed by each run)",
        config.public_url,
        crate::demo::DEMO_OWNER_EMAIL,
        credentials.owner_password
    );
    Ok(())
}

fn rotate_key(config: &Config) -> Result<(), String> {
    let given = std::env::var(NEW_KEY_VARIABLE)
        .ok()
        .filter(|v| !v.trim().is_empty());
    let new_key = match &given {
        Some(raw) => MasterKey::parse(raw, NEW_KEY_VARIABLE).map_err(|e| e.to_string())?,
        None => MasterKey::generate(),
    };
    let db = Database::open(&config.database_url, 1).map_err(|e| e.to_string())?;
    let rotated =
        vault::rotate(&db, config.secret_key.as_ref(), new_key).map_err(|e| e.to_string())?;
    println!(
        "re-encrypted {} stored secrets under key version {}",
        rotated.resealed,
        rotated.vault.version()
    );
    match (&rotated.source, given.is_some()) {
        (KeySource::File(path), _) => {
            println!("the new key replaced the key file {}", path.display());
        }
        (_, true) => println!(
            "set {} to the value of {NEW_KEY_VARIABLE} on every instance before starting them again",
            vault::KEY_VARIABLE
        ),
        (_, false) => {
            println!(
                "set {} to this new key on every instance before starting them again:",
                vault::KEY_VARIABLE
            );
            println!("{}", rotated.vault.key().to_base64());
        }
    }
    Ok(())
}
