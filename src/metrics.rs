//! Prometheus metrics, served at `/metrics` (behind `CHAIRSIDE_METRICS_TOKEN` when it is set).
//!
//! Every label comes from a fixed set, so no request can add series: routes are the patterns of
//! the route table (a path that matches none is `unmatched`), methods are folded to the five the
//! API uses and `OTHER`, statuses are what the server itself answers.

use std::sync::Arc;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
};

use crate::error::AppError;
use crate::scheduling::Refusal;

/// The route label of requests that matched no route.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// A request method as a label: one of GET, POST, PUT, PATCH, DELETE, OTHER.
pub fn method_label(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        _ => "OTHER",
    }
}

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
    webhook_signature_checks: IntCounterVec,
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
        let webhook_signature_checks = IntCounterVec::new(
            Opts::new(
                "webhook_signature_checks_total",
                "Secrets a webhook call's signature was computed with, by platform",
            ),
            &["platform"],
        )
        .expect("static metric definition");
        for collector in [
            Box::new(http_requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(http_duration.clone()),
            Box::new(bookings_created.clone()),
            Box::new(booking_conflicts.clone()),
            Box::new(jobs_finished.clone()),
            Box::new(webhook_signature_checks.clone()),
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
                webhook_signature_checks,
            }),
        }
    }

    /// Counts one request. `route` is the matched route pattern (`None`: no route matched) and
    /// `method` the request's method as sent; both are folded into a fixed set of labels.
    pub fn record_request(&self, route: Option<&str>, method: &str, status: u16, seconds: f64) {
        let route = route.unwrap_or(UNMATCHED_ROUTE);
        let method = method_label(method);
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

    /// Counts the signature computations of one webhook call (`platform` is one of the four
    /// platforms' names, a fixed set).
    pub fn record_signature_checks(&self, platform: &'static str, count: usize) {
        self.inner
            .webhook_signature_checks
            .with_label_values(&[platform])
            .inc_by(count as u64);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_methods_and_paths_add_no_series() {
        let metrics = Metrics::new();
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] {
            metrics.record_request(Some("/api/v1/x"), method, 200, 0.001);
        }
        for i in 0..1_000 {
            metrics.record_request(None, &format!("BREW{i}"), 404, 0.001);
        }
        let text = metrics.render();
        let series = text
            .lines()
            .filter(|l| l.starts_with("chairside_http_requests_total{"))
            .count();
        assert_eq!(series, 7, "{text}");
        assert!(
            text.contains("method=\"OTHER\",route=\"unmatched\""),
            "{text}"
        );
        assert!(!text.contains("BREW"));
    }
}
