//! The HTTP side: `POST /collect`, `GET /api/events`, CORS for configured origins, and
//! static folders (the demo site and the built package).

use crate::store::Store;
use crate::validate::EventValidator;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::ServeDir;

/// Which cross-origin pages may send events and read the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origins {
    /// Any origin (`--origin '*'`).
    Any,
    /// Exactly these origins (`https://blog.example`); empty means same-origin only.
    List(Vec<String>),
}

impl Origins {
    fn allows(&self, origin: &str) -> bool {
        match self {
            Origins::Any => true,
            Origins::List(list) => list.iter().any(|o| o == origin),
        }
    }
}

/// Settings of the HTTP service.
pub struct Settings {
    /// Cross-origin pages allowed.
    pub origins: Origins,
    /// Largest request body accepted, in bytes (413 above).
    pub body_limit: usize,
    /// Static folders: URL prefix (`/`, `/pkg`) and directory.
    pub statics: Vec<(String, PathBuf)>,
    /// `Content-Security-Policy` sent with static files, if any.
    pub csp: Option<String>,
}

struct App {
    store: Arc<Store>,
    validator: EventValidator,
    settings: Settings,
}

/// The whole service as an axum router.
pub fn router(store: Arc<Store>, settings: Settings) -> Router {
    let mut statics = settings.statics.clone();
    // Longest prefix first, so `/pkg` wins over `/`.
    statics.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
    let csp = settings.csp.clone();
    let app = Arc::new(App {
        store,
        validator: EventValidator::new(),
        settings,
    });
    let mut router = Router::new()
        .route("/collect", post(collect).options(preflight))
        .route("/api/events", get(events).options(preflight))
        .route("/api/stats", get(stats).options(preflight))
        .route("/api/export", get(export).options(preflight))
        .route("/api/count", get(count))
        .route("/report", get(report))
        .route(
            "/report.css",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    crate::report::CSS,
                )
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .with_state(app.clone())
        .layer(middleware::from_fn_with_state(app, cors));
    let mut static_router = Router::new();
    for (prefix, dir) in statics {
        let serve = ServeDir::new(dir);
        static_router = if prefix == "/" {
            static_router.fallback_service(serve)
        } else {
            static_router.nest_service(&prefix, serve)
        };
    }
    if let Some(csp) = csp {
        let value = HeaderValue::from_str(&csp)
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
        static_router =
            static_router.layer(middleware::from_fn(move |req: Request, next: Next| {
                let value = value.clone();
                async move {
                    let mut response = next.run(req).await;
                    response
                        .headers_mut()
                        .insert(header::CONTENT_SECURITY_POLICY, value);
                    response
                }
            }));
    }
    router = router.merge(static_router);
    router
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// Whether a request's `Origin` (if any) may use the API: same origin as the collector,
/// or a configured one.
fn origin_allowed(app: &App, headers: &HeaderMap) -> Result<Option<String>, ()> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return Ok(None);
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let same = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        == Some(host);
    if same {
        Ok(None)
    } else if app.settings.origins.allows(origin) {
        Ok(Some(origin.to_owned()))
    } else {
        Err(())
    }
}

/// Refuses API requests from origins not configured, and adds CORS headers for the ones
/// that are.
async fn cors(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let allowed = origin_allowed(&app, request.headers());
    let Ok(cross_origin) = allowed else {
        let origin = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .unwrap_or("")
            .to_owned();
        return error(
            StatusCode::FORBIDDEN,
            format!("origin {origin} is not allowed: start the collector with --origin {origin}"),
        );
    };
    let mut response = next.run(request).await;
    if let Some(origin) = cross_origin {
        let headers = response.headers_mut();
        let value = if app.settings.origins == Origins::Any {
            HeaderValue::from_static("*")
        } else {
            HeaderValue::from_str(&origin).unwrap_or(HeaderValue::from_static("null"))
        };
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, GET, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    response
}

/// `POST /collect`: one event or an array, as `application/json` or `text/plain`
/// (beacons). 200 with `{stored, duplicates}` once committed; 400 with `{error}` naming
/// the first problem; 413 over the body limit; 503 if the database fails.
async fn collect(State(app): State<Arc<App>>, request: Request) -> Response {
    let limit = app.settings.body_limit;
    let body = match read_body(request.into_body(), limit).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("body over the limit of {limit} bytes"),
            )
        }
        Err(BodyError::Unreadable) => {
            return error(
                StatusCode::BAD_REQUEST,
                "the request body could not be read",
            )
        }
    };
    let events = match app.validator.parse_batch(&body) {
        Ok(events) => events,
        Err(problem) => return error(StatusCode::BAD_REQUEST, problem),
    };
    let store = app.store.clone();
    match tokio::task::spawn_blocking(move || store.insert_batch(&events)).await {
        Ok(Ok(stored)) => Json(stored).into_response(),
        Ok(Err(e)) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("storage failed, retry later: {e}"),
        ),
        Err(_) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage failed, retry later",
        ),
    }
}

enum BodyError {
    TooLarge,
    Unreadable,
}

/// Past the limit, a body is still read (and thrown away) up to this many bytes, so the
/// client can finish sending and then read the 413: answering before the body is read
/// makes the connection close under a client still sending, which it sees as a reset.
const DRAIN_MAX: usize = 64 << 20;

/// Reads a request body of at most `limit` bytes.
async fn read_body(mut body: axum::body::Body, limit: usize) -> Result<Vec<u8>, BodyError> {
    use http_body_util::BodyExt;
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Unreadable)?;
        if let Ok(data) = frame.into_data() {
            seen += data.len();
            if seen <= limit {
                bytes.extend_from_slice(&data);
            } else if seen > DRAIN_MAX {
                return Err(BodyError::TooLarge);
            }
        }
    }
    if seen > limit {
        Err(BodyError::TooLarge)
    } else {
        Ok(bytes)
    }
}

/// `GET /api/events?limit=N`: stored events, newest first (default 50, at most 1000).
async fn events(
    State(app): State<Arc<App>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let limit = match query.get("limit").map(|l| l.parse::<usize>()) {
        None => 50,
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "limit must be a whole number from 1 to 1000",
            )
        }
    };
    let store = app.store.clone();
    match tokio::task::spawn_blocking(move || store.recent(limit)).await {
        Ok(Ok(events)) => Json(events).into_response(),
        _ => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage failed, retry later",
        ),
    }
}

/// A time from a query: milliseconds since the epoch, or a `YYYY-MM-DD` day (UTC), its
/// first millisecond (`end` false) or its last.
fn parse_time(value: &str, end: bool) -> Option<i64> {
    if let Ok(ms) = value.parse::<i64>() {
        return Some(ms);
    }
    let mut parts = value.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    // Years that keep the arithmetic far from overflow, and days that exist.
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if parts.next().is_some()
        || !(1..=9999).contains(&y)
        || !(1..=12).contains(&m)
        || !(1..=month_days[(m - 1) as usize]).contains(&d)
    {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400_000 + if end { 86_399_999 } else { 0 })
}

/// The filter of a stats or report request: `from`, `to`, `page`, `direct`.
pub fn parse_filter(query: &HashMap<String, String>) -> Result<crate::stats::Filter, String> {
    let time = |key: &str, end: bool| match query.get(key) {
        None => Ok(None),
        Some(v) => parse_time(v, end).map(Some).ok_or_else(|| {
            format!("{key} must be milliseconds since 1970 or a day such as 2026-11-21")
        }),
    };
    let direct = match query.get("direct") {
        None => None,
        Some(v) => Some(
            v.parse::<u64>()
                .map_err(|_| "direct must be a whole number of visits".to_string())?,
        ),
    };
    Ok(crate::stats::Filter {
        from: time("from", false)?,
        to: time("to", true)?,
        page: query.get("page").filter(|p| !p.is_empty()).cloned(),
        direct,
    })
}

/// `GET /api/stats?from=&to=&page=&direct=`: README "Stats".
async fn stats(
    State(app): State<Arc<App>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let filter = match parse_filter(&query) {
        Ok(filter) => filter,
        Err(problem) => return error(StatusCode::BAD_REQUEST, problem),
    };
    let store = app.store.clone();
    match tokio::task::spawn_blocking(move || {
        store
            .rows(&filter)
            .map(|rows| crate::stats::compute(&rows, filter))
    })
    .await
    {
        Ok(Ok(stats)) => Json(stats).into_response(),
        _ => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage failed, retry later",
        ),
    }
}

/// `GET /report?from=&to=&page=&direct=&tree=&lang=`: the stats as a page (README "Report").
async fn report(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let filter = match parse_filter(&query) {
        Ok(filter) => filter,
        Err(problem) => return error(StatusCode::BAD_REQUEST, problem),
    };
    let lang = crate::report::Lang::pick(
        query.get("lang").map(String::as_str),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let tree = query.get("tree").cloned();
    let store = app.store.clone();
    let page = tokio::task::spawn_blocking(move || {
        store.rows(&filter).map(|rows| {
            let stats = crate::stats::compute(&rows, filter);
            crate::report::render(&stats, &rows, tree.as_deref(), lang)
        })
    })
    .await;
    match page {
        Ok(Ok(html)) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                // Nothing but its own stylesheet: no script, no third party.
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'self'; img-src data:; form-action 'self'; base-uri 'none'"),
            ],
            html,
        )
            .into_response(),
        _ => error(StatusCode::SERVICE_UNAVAILABLE, "storage failed, retry later"),
    }
}

/// One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(out: &mut String, value: &serde_json::Value) {
    let text = match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&text);
    }
}

/// The events as CSV: one line per event, the fields of SPEC §5.
pub fn to_csv(events: &[serde_json::Value]) -> String {
    const FIELDS: [&str; 12] = [
        "id", "type", "channel", "token", "parent", "url", "title", "ts", "referrer", "chars",
        "dropped", "v",
    ];
    let mut out = FIELDS.join(",");
    out.push_str("\r\n");
    for event in events {
        for (i, field) in FIELDS.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(
                &mut out,
                event.get(*field).unwrap_or(&serde_json::Value::Null),
            );
        }
        out.push_str("\r\n");
    }
    out
}

/// `GET /api/export?from=&to=&format=json|csv`: the events of a time range, oldest first.
async fn export(
    State(app): State<Arc<App>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let filter = match parse_filter(&query) {
        Ok(filter) => filter,
        Err(problem) => return error(StatusCode::BAD_REQUEST, problem),
    };
    let csv = match query.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return error(StatusCode::BAD_REQUEST, "format must be json or csv"),
    };
    let store = app.store.clone();
    let (from, to) = (
        filter.from.unwrap_or(i64::MIN),
        filter.to.unwrap_or(i64::MAX),
    );
    match tokio::task::spawn_blocking(move || store.export(from, to)).await {
        Ok(Ok(events)) if csv => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"lanterne-events.csv\"",
                ),
            ],
            to_csv(&events),
        )
            .into_response(),
        Ok(Ok(events)) => Json(events).into_response(),
        _ => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage failed, retry later",
        ),
    }
}

/// `GET /api/count`: `{"events": n}`, the number of stored events (for benchmarks and
/// monitoring; cheap at any size).
async fn count(State(app): State<Arc<App>>) -> Response {
    let store = app.store.clone();
    match tokio::task::spawn_blocking(move || store.count()).await {
        Ok(Ok(n)) => Json(serde_json::json!({ "events": n })).into_response(),
        _ => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage failed, retry later",
        ),
    }
}

#[cfg(test)]
mod csv_tests {
    #[test]
    fn times_from_queries() {
        use super::parse_time;
        assert_eq!(parse_time("2026-11-21", false), Some(1_795_219_200_000));
        assert_eq!(parse_time("2026-11-21", true), Some(1_795_305_599_999));
        assert_eq!(parse_time("2024-02-29", false), Some(1_709_164_800_000));
        for bad in [
            "2026-02-29",
            "999999999-01-01",
            "2026-13-01",
            "2026-1",
            "-5-1-1",
            "x",
        ] {
            assert_eq!(parse_time(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let event = serde_json::json!({"id": "x", "type": "share", "title": "A, \"B\"\nC", "ts": 5, "parent": null});
        let csv = super::to_csv(&[event]);
        assert_eq!(
            csv,
            "id,type,channel,token,parent,url,title,ts,referrer,chars,dropped,v\r\nx,share,,,,,\"A, \"\"B\"\"\nC\",5,,,,\r\n"
        );
    }
}
