//! `lanterne-collector`: receives lanterne events, validates, dedupes and stores them.

use clap::Parser;
use lanterne_collector::access::{check_password, Access};
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
    /// '*' allows any. Same-origin pages are always allowed. Its host is one of the
    /// collector's sites (see --site).
    #[arg(long = "origin")]
    origins: Vec<String>,
    /// A host whose pages count, besides the --origin hosts, e.g. blog.example (exactly
    /// that host) or '*.blog.example' (the domain and its subdomains); ports are ignored;
    /// repeatable. An event whose url is on no site is refused (403, nothing of its batch
    /// stored). Loopback pages (localhost, 127.0.0.1) sent to a loopback address count without it.
    #[arg(long = "site", value_name = "HOST")]
    sites: Vec<String>,
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
    /// The password that reading (/api/*, /report) needs, at least 12 characters. Better
    /// in the LANTERNE_ADMIN_PASSWORD environment variable (other users of the machine
    /// can see a command line). Without one, readers are served on a loopback address
    /// only, and the collector refuses to listen anywhere else.
    #[arg(long, value_name = "PASSWORD", hide_default_value = true)]
    admin_password: Option<String>,
    /// Events to /collect allowed per second from one client address (a token bucket: a
    /// batch of n events takes n tokens; 429 with Retry-After above it), or "off".
    #[arg(long, default_value = "100", value_name = "EVENTS_PER_SECOND")]
    rate_limit: String,
    /// How many events a client may send at once before the rate applies (a full
    /// tracker queue is 1,000 events; a batch larger than this is refused with 413).
    #[arg(long, default_value_t = 2000, value_name = "EVENTS")]
    rate_burst: u32,
    /// Behind a reverse proxy (HTTPS in front): the client's address is the last one in
    /// X-Forwarded-For, and X-Forwarded-Proto: https marks the session cookie Secure.
    #[arg(long)]
    behind_proxy: bool,
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
    let password = match args.admin_password.clone() {
        Some(password) => Some(password),
        None => std::env::var("LANTERNE_ADMIN_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty()),
    };
    if let Some(password) = &password {
        check_password(password).map_err(|problem| {
            format!("{problem} (--admin-password or LANTERNE_ADMIN_PASSWORD)")
        })?;
    }
    let rate_limit = match args.rate_limit.as_str() {
        "off" | "0" => None,
        per_second => match per_second.parse::<f64>() {
            Ok(rate) if rate.is_finite() && rate > 0.0 && args.rate_burst >= 1 => {
                Some((rate, f64::from(args.rate_burst)))
            }
            _ => return Err(format!("--rate-limit {per_second}: expected events per second (a positive number) or \"off\", and --rate-burst at least 1")),
        },
    };
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
    let sites = lanterne_collector::sites::Sites::new(&args.origins, &args.sites)?;
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
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // Without a password, the numbers are open: only to this machine.
    if password.is_none() && !addr.ip().is_loopback() {
        return Err(format!(
            "--addr {}: without an admin password the collector serves its readers (/api, /report) on a loopback address only. Set one with LANTERNE_ADMIN_PASSWORD=… (or --admin-password), or listen on 127.0.0.1",
            args.addr
        ));
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
            access: Arc::new(Access::new(password)),
            rate_limit,
            sites,
            behind_proxy: args.behind_proxy,
        },
    );
    println!(
        "lanterne-collector listening on http://{addr} (database {})",
        shown(&args.db)
    );
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
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
