//! `lanterne-collector`: receives lanterne events, validates, dedupes and stores them.

use clap::Parser;
use lanterne_collector::http::{router, Origins, Settings};
use lanterne_collector::store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// The embedded default endpoint for lanterne: POST /collect, GET /api/events, and static
/// folders for a site (the demo) and the built package.
#[derive(Parser, Debug)]
#[command(name = "lanterne-collector", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// SQLite database file (created if missing), or a PostgreSQL URL
    /// (postgres://user:password@host/database) for several collectors on one database.
    #[arg(long, default_value = "lanterne.db")]
    db: String,
    /// A cross-origin page allowed to send events, e.g. https://blog.example; repeatable;
    /// '*' allows any. Same-origin pages are always allowed.
    #[arg(long = "origin")]
    origins: Vec<String>,
    /// Serve a folder: DIR at /, or PREFIX=DIR (e.g. /pkg=pkg); repeatable.
    #[arg(long = "static")]
    statics: Vec<String>,
    /// Content-Security-Policy header for static files.
    #[arg(long)]
    csp: Option<String>,
    /// Largest request body in bytes (413 above).
    #[arg(long, default_value_t = 1 << 20)]
    body_limit: usize,
    /// Delete events older than this many days (at start, then every hour). Default: keep.
    #[arg(long)]
    retention_days: Option<u32>,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(message) = run(args).await {
        eprintln!("lanterne-collector: {message}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let origins = if args.origins.iter().any(|o| o == "*") {
        Origins::Any
    } else {
        for origin in &args.origins {
            if !(origin.starts_with("http://") || origin.starts_with("https://"))
                || origin.ends_with('/')
            {
                return Err(format!("--origin {origin}: expected an origin such as https://blog.example (scheme, host, optional port, no path)"));
            }
        }
        Origins::List(args.origins.clone())
    };
    let mut statics = Vec::new();
    for spec in &args.statics {
        let (prefix, dir) = match spec.split_once('=') {
            Some((prefix, dir)) => (prefix.trim_end_matches('/').to_owned(), dir),
            None => ("/".to_owned(), spec.as_str()),
        };
        let prefix = if prefix.is_empty() {
            "/".to_owned()
        } else {
            prefix
        };
        if !prefix.starts_with('/') {
            return Err(format!("--static {spec}: the prefix must start with /"));
        }
        if !std::path::Path::new(dir).is_dir() {
            return Err(format!("--static {spec}: {dir} is not a folder"));
        }
        statics.push((prefix, PathBuf::from(dir)));
    }
    // The PostgreSQL client blocks: it is opened, used and dropped off the async threads.
    let db = args.db.clone();
    let store = Arc::new(
        tokio::task::spawn_blocking(move || Store::open(&db))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("cannot open database {}: {e}", shown(&args.db)))?,
    );
    let mut retention = None;
    if let Some(days) = args.retention_days {
        let store = store.clone();
        retention = Some(tokio::spawn(async move {
            let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                hourly.tick().await;
                let store = store.clone();
                let cutoff = lanterne_collector::store::now_ms() - i64::from(days) * 86_400_000;
                match tokio::task::spawn_blocking(move || store.delete_before(cutoff)).await {
                    Ok(Ok(0)) => {}
                    Ok(Ok(n)) => println!("retention: deleted {n} events older than {days} days"),
                    _ => eprintln!("retention: deleting old events failed; will retry in an hour"),
                }
            }
        }));
    }
    let app = router(
        store.clone(),
        Settings {
            origins,
            body_limit: args.body_limit,
            statics,
            csp: args.csp,
        },
    );
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "lanterne-collector listening on http://{addr} (database {})",
        shown(&args.db)
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| e.to_string())?;
    if let Some(task) = retention {
        task.abort();
        let _ = task.await;
    }
    let _ = tokio::task::spawn_blocking(move || drop(store)).await;
    println!("lanterne-collector stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the process exits.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// The database as printed: a PostgreSQL URL without its password.
fn shown(db: &str) -> String {
    match (db.find("://"), db.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &db[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &db[..scheme + 3], &db[at..]),
                None => db.to_owned(),
            }
        }
        _ => db.to_owned(),
    }
}
