//! Building and running the server: the database, the shared state, the HTTP routes.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};

use crate::access::Secrets;
use crate::accounts::HashingPool;
use crate::api::error::ApiError;
use crate::api::{self, AppState};
use crate::booking::Scheduler;
use crate::channels::{ChannelSender, ChatNotifier, Courier, Endpoints, MenuSetter};
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ConfigError};
use crate::conversation::{ChatRules, ConversationEngine, Links};
use crate::jobs::{JobQueue, Shutdown, Worker, WorkerConfig};
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::notifications::{Mailer, NotificationHandler};
use crate::privacy::RetentionHandler;
use crate::storage::{Database, StorageError};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

/// Opens the database (applying migrations) and assembles the state every handler shares.
pub fn build_state(
    config: Config,
    clock: Arc<dyn Clock>,
) -> Result<web::Data<AppState>, StartupError> {
    let mailer = Mailer::from_config(&config)?;
    let db = Database::open(&config.database_url, config.db_pool_size)?;
    let unlocked = crate::vault::unlock(&db, config.secret_key.as_ref())?;
    if unlocked.sealed_now > 0 {
        tracing::info!(
            count = unlocked.sealed_now,
            "sealed stored secrets that were kept in plain text"
        );
    }
    let vault = unlocked.vault;
    let secrets = db.read_blocking(|conn| Secrets::load(conn, &vault))?;
    let metrics = Metrics::new();
    if config.seed_demo {
        let now = clock.now();
        if let Some(demo) = crate::demo::seed_if_empty(&db, now)? {
            tracing::info!(
                api_key = %demo.api_key,
                staff_login = crate::demo::DEMO_OWNER_EMAIL,
                staff_password = %demo.owner_password,
                staff_page = %format!("{}/staff", config.public_url),
                "created the demo business demo-barber; its API key and owner password are shown only now"
            );
        }
    }
    let answers = config
        .availability_cache
        .then(|| Arc::new(crate::booking::AnswerCache::default()));
    let scheduler = Scheduler::new(db.clone(), metrics.clone(), answers);
    let jobs = JobQueue::default();
    let links = Links {
        secrets: secrets.clone(),
        public_url: config.public_url.clone(),
    };
    let courier = Courier::new(
        db.clone(),
        vault.clone(),
        mailer.clone(),
        Endpoints::from_config(&config),
    );
    let conversations = ConversationEngine::new(
        db.clone(),
        Arc::clone(scheduler.calendars()),
        links,
        jobs.clone(),
    )
    .with_rules(ChatRules::from_config(&config))
    .with_courier(Arc::new(courier));
    let limits = Limits::new(
        config.limits.clone(),
        config.rate_limits,
        db.clone(),
        Arc::clone(&clock),
        &metrics,
    );
    Ok(web::Data::new(AppState {
        limits,
        passwords: HashingPool::for_this_machine(),
        streams: Default::default(),
        directory: Arc::new(crate::channels::Directory::new(vault.clone())),
        ownership: Arc::new(crate::channels::ownership::OwnershipCheck::new(
            &config.graph_api_base,
        )),
        scheduler,
        conversations,
        db,
        config: Arc::new(config),
        metrics,
        clock,
        secrets,
        vault,
        jobs,
        mailer,
    }))
}

/// How long the HTTP server lets requests in flight finish after a stop, as the job workers do
/// with their sends (`WorkerConfig::shutdown_grace`).
const SHUTDOWN_GRACE_SECONDS: u64 = 10;

/// The background workers of this process, with a handler for every kind of job, stopping with
/// `shutdown`.
fn start_workers(
    state: &web::Data<AppState>,
    shutdown: &Shutdown,
) -> Vec<tokio::task::JoinHandle<()>> {
    if !state.config.run_workers {
        return Vec::new();
    }
    let now = state.clock.now();
    if let Err(e) = state
        .db
        .write_blocking(|conn| crate::privacy::retention::arm(conn, now))
    {
        tracing::warn!(error = %e, "could not plan the purge of old chat transcripts");
    }
    let defaults = WorkerConfig::default();
    let config = WorkerConfig {
        lease: chrono::Duration::from_std(state.config.job_lease).unwrap_or(defaults.lease),
        shutdown_grace: std::time::Duration::from_secs(SHUTDOWN_GRACE_SECONDS),
        ..defaults
    };
    let worker = Worker::new(
        state.db.clone(),
        Arc::clone(&state.clock),
        state.jobs.clone(),
        &state.metrics,
        config,
    )
    .with_shutdown(shutdown.clone())
    .with_handler(Arc::new(NotificationHandler::new(
        state.db.clone(),
        state.mailer.clone(),
        state.secrets.clone(),
        state.config.public_url.clone(),
        Arc::clone(&state.clock),
    )))
    .with_handler(Arc::new(ChannelSender::new(
        state.db.clone(),
        state.vault.clone(),
        Arc::clone(&state.clock),
        Endpoints::from_config(&state.config),
    )))
    .with_handler(Arc::new(MenuSetter::new(
        state.db.clone(),
        state.vault.clone(),
        Endpoints::from_config(&state.config),
    )))
    .with_handler(Arc::new(RetentionHandler::new(
        state.db.clone(),
        Arc::clone(&state.clock),
    )))
    .with_handler(Arc::new(ChatNotifier::new(
        state.db.clone(),
        Arc::clone(&state.clock),
        state.jobs.clone(),
        Links {
            secrets: state.secrets.clone(),
            public_url: state.config.public_url.clone(),
        },
    )));
    vec![worker.spawn()]
}

/// The server, bound and ready to run.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    shutdown: Shutdown,
}

impl Application {
    pub fn build(config: Config) -> Result<Self, StartupError> {
        Self::build_with_clock(config, Arc::new(SystemClock))
    }

    pub fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> Result<Self, StartupError> {
        let bind = config.bind;
        let workers = config.workers;
        let state = build_state(config, clock)?;
        let listener = TcpListener::bind(bind).map_err(|source| StartupError::Bind {
            addr: bind.to_string(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind {
                addr: bind.to_string(),
                source,
            })?
            .port();
        let app_state = state.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(web::PayloadConfig::new(api::extract::MAX_BODY_BYTES))
                .app_data(web::QueryConfig::default().error_handler(|err, _| {
                    ApiError::bad_request(
                        "invalid_query",
                        format!("the query string is malformed: {err}"),
                    )
                    .into()
                }))
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|_, _| ApiError::not_found("resource").into()),
                )
                .wrap(api::json_error_pages())
                .wrap(from_fn(api::record_metrics))
                .configure(api::configure)
                .configure(crate::web::configure)
        })
        // Signals are ours (see `run_until_stopped`): the job workers must hear of them too.
        .disable_signals()
        .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: bind.to_string(),
            source,
        })?;
        if let Some(workers) = workers {
            server = server.workers(workers.max(1));
        }
        Ok(Self {
            port,
            server: server.run(),
            state,
            shutdown: Shutdown::default(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until stopped, with this process's background workers (and the reconciliation of
    /// rate limits with other instances) running beside the server.
    ///
    /// SIGTERM or Ctrl-C (or [`Application::handle`]'s stop) stops it gracefully: the server
    /// stops accepting and lets requests in flight finish, the job workers claim nothing more,
    /// let sends in flight finish and hand back what had not begun; both within
    /// [`SHUTDOWN_GRACE_SECONDS`]. Then it returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let workers = start_workers(&self.state, &self.shutdown);
        let reconciler = self.state.limits.spawn_reconciler();
        let signals =
            actix_web::rt::spawn(stop_on_signal(self.server.handle(), self.shutdown.clone()));
        let result = self.server.await;
        // However the server was stopped, the workers stop with it.
        self.shutdown.stop();
        signals.abort();
        // Beyond the grace, a few seconds for handing back what had not begun.
        let deadline = tokio::time::Instant::now()
            + std::time::Duration::from_secs(SHUTDOWN_GRACE_SECONDS + 5);
        for mut worker in workers {
            if tokio::time::timeout_at(deadline, &mut worker)
                .await
                .is_err()
            {
                tracing::warn!("a job worker did not stop in time; abandoned");
                worker.abort();
            }
        }
        if let Some(reconciler) = reconciler {
            reconciler.abort();
        }
        result
    }

    /// A handle that stops the server (used by tests that restart it).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

/// Stops the server and the workers on SIGTERM or Ctrl-C.
async fn stop_on_signal(server: actix_web::dev::ServerHandle, shutdown: Shutdown) {
    termination_signal().await;
    tracing::info!("stopping: finishing requests and sends in flight, handing back the rest");
    shutdown.stop();
    server.stop(true).await;
}

#[cfg(unix)]
async fn termination_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = match signal(SignalKind::terminate()) {
        Ok(stream) => stream,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops gracefully");
            return ctrl_c().await;
        }
    };
    tokio::select! {
        () = ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}

#[cfg(not(unix))]
async fn termination_signal() {
    ctrl_c().await
}

/// Resolves on Ctrl-C; never, when it cannot be listened for (rather than stopping at once).
async fn ctrl_c() {
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %e, "cannot listen for Ctrl-C");
        std::future::pending::<()>().await;
    }
}
