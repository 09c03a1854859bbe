//! The HTTP ceiling of this machine: a bare actix-web handler returning a constant, with the
//! same worker count as Chairside. `benches/load.sh` measures it in the same run.
//!
//!     ceiling_http <port> <workers>

use actix_web::{App, HttpResponse, HttpServer, web};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args.get(1).and_then(|p| p.parse().ok()).unwrap_or(8090);
    let workers: usize = args.get(2).and_then(|w| w.parse().ok()).unwrap_or(2);
    HttpServer::new(|| {
        App::new().route(
            "/",
            web::get().to(|| async { HttpResponse::Ok().body("{\"ok\":true}") }),
        )
    })
    .workers(workers)
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
