//! Load generator for the HTTP benchmarks (driven by `benches/load.sh`).
//!
//!     load_client bookings <base-url> <slug> <service-id> <staff-ids,comma> <days> <clients> <seconds>
//!     load_client chat <base-url> <slug> <conversations> <seconds> <think-ms>

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bookings") if args.len() == 8 => bookings(&args[1..]).await,
        Some("chat") if args.len() == 6 => chat(&args[1..]).await,
        _ => {
            eprintln!("usage: see the module documentation");
            std::process::exit(2);
        }
    }
}

/// A tiny deterministic generator, so runs are repeatable and the client costs nothing.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

async fn bookings(args: &[String]) {
    let (base, slug, service) = (args[0].clone(), args[1].clone(), args[2].clone());
    let staff: Vec<String> = args[3].split(',').map(str::to_owned).collect();
    let days: u64 = args[4].parse().expect("days");
    let clients: usize = args[5].parse().expect("clients");
    let seconds: u64 = args[6].parse().expect("seconds");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .expect("client");
    let (created, refused, failed) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let start_day = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let (client, base, slug, service, staff) = (client.clone(), base.clone(), slug.clone(), service.clone(), staff.clone());
            let (created, refused, failed) = (created.clone(), refused.clone(), failed.clone());
            tokio::spawn(async move {
                let mut rng = Rng(0x9e37_79b9 ^ i as u64);
                let url = format!("{base}/api/v1/businesses/{slug}/bookings");
                while Instant::now() < deadline {
                    let day = start_day + chrono::Days::new(rng.below(days));
                    let minute = rng.below(288) * 5;
                    let body = json!({"service_id": service, "staff_id": staff[rng.below(staff.len() as u64) as usize],
                        "start": format!("{day}T{:02}:{:02}:00Z", minute / 60, minute % 60),
                        "customer": {"name": "Load", "phone": format!("+49170{:07}", rng.below(10_000_000))}});
                    match client.post(&url).json(&body).send().await.map(|r| r.status().as_u16()) {
                        Ok(201) => created.fetch_add(1, Ordering::Relaxed),
                        Ok(409) => refused.fetch_add(1, Ordering::Relaxed),
                        _ => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            })
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
    let (c, r, f) = (
        created.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
    );
    println!(
        "bookings: {clients} clients, {seconds} s: {c} created ({:.0}/s), {r} refused as taken, {f} failed",
        c as f64 / seconds as f64
    );
}

/// Conversations typing a short booking dialogue with a pause between messages, as people do.
async fn chat(args: &[String]) {
    let (base, slug) = (args[0].clone(), args[1].clone());
    let conversations: usize = args[2].parse().expect("conversations");
    let seconds: u64 = args[3].parse().expect("seconds");
    let think = Duration::from_millis(args[4].parse().expect("think ms"));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(conversations)
        .build()
        .expect("client");
    let script = [
        "hi",
        "a haircut next week on thursday",
        "the second one",
        "Anna Schmidt",
        "anna@example.com",
        "no",
        "stop",
    ];
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..conversations)
        .map(|i| {
            let (client, url) = (client.clone(), format!("{base}/api/v1/businesses/{slug}/chat"));
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut rng = Rng(i as u64 + 7);
                // Start at different moments, like real visitors.
                tokio::time::sleep(Duration::from_millis(rng.below(think.as_millis() as u64 + 1))).await;
                let mut round = 0;
                while Instant::now() < deadline {
                    let conversation = format!("load-{i:05}-{round:05}-conversation");
                    for (n, text) in script.iter().enumerate() {
                        if Instant::now() >= deadline {
                            break;
                        }
                        let body = json!({"conversation_id": conversation, "message_id": format!("m{n}"), "text": text});
                        let sent = Instant::now();
                        let ok = client.post(&url).json(&body).send().await.is_ok_and(|r| r.status().is_success());
                        if ok {
                            latencies.push(sent.elapsed());
                        }
                        tokio::time::sleep(think).await;
                    }
                    round += 1;
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap_or_default());
    }
    all.sort();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "chat: {conversations} conversations, think {} ms, {seconds} s: {} turns ({:.0}/s); p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms",
        think.as_millis(),
        all.len(),
        all.len() as f64 / seconds as f64,
        pick(0.5).as_secs_f64() * 1e3,
        pick(0.9).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3
    );
}
