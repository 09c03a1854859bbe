//! Prometheus metrics, served at `/metrics`.

use std::sync::Arc;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
};

use crate::error::AppError;
use crate::scheduling::Refusal;

/// All metrics of one process. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    bookings_created: IntCounter,
    booking_conflicts: IntCounter,
    jobs_finished: IntCounterVec,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("chairside".into()), None).unwrap_or_default();
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route pattern, method and status",
            ),
            &["route", "method", "status"],
        )
        .expect("static metric definition");
        let http_duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route pattern",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["route", "method"],
        )
        .expect("static metric definition");
        let bookings_created =
            IntCounter::new("bookings_created_total", "Bookings created or moved")
                .expect("static metric definition");
        let booking_conflicts = IntCounter::new(
            "booking_conflicts_total",
            "Bookings refused because the time was taken or outside working hours",
        )
        .expect("static metric definition");
        let jobs_finished = IntCounterVec::new(
            Opts::new("jobs_finished_total", "Background jobs by kind and outcome"),
            &["kind", "outcome"],
        )
        .expect("static metric definition");
        for collector in [
            Box::new(http_requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(http_duration.clone()),
            Box::new(bookings_created.clone()),
            Box::new(booking_conflicts.clone()),
            Box::new(jobs_finished.clone()),
        ] {
            // Registration only fails for duplicate names, which these are not.
            let _ = registry.register(collector);
        }
        Self {
            inner: Arc::new(Inner {
                registry,
                http_requests,
                http_duration,
                bookings_created,
                booking_conflicts,
                jobs_finished,
            }),
        }
    }

    pub fn record_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.inner
            .http_requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.inner
            .http_duration
            .with_label_values(&[route, method])
            .observe(seconds);
    }

    pub fn record_booking_attempt<T>(&self, result: &Result<T, AppError>) {
        match result {
            Ok(_) => self.inner.bookings_created.inc(),
            Err(AppError::Refused(Refusal::Taken | Refusal::OutsideWorkingHours)) => {
                self.inner.booking_conflicts.inc()
            }
            Err(_) => {}
        }
    }

    /// Counts a finished background job by kind and outcome.
    pub fn record_job(&self, kind: &str, outcome: &str) {
        self.inner
            .jobs_finished
            .with_label_values(&[kind, outcome])
            .inc();
    }

    /// The metrics in Prometheus' text exposition format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        let _ = TextEncoder::new().encode(&self.inner.registry.gather(), &mut buffer);
        String::from_utf8(buffer).unwrap_or_default()
    }

    /// Registers another collector (workers add their own).
    pub fn register(&self, collector: Box<dyn prometheus::core::Collector>) {
        let _ = self.inner.registry.register(collector);
    }
}
