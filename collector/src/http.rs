//! The HTTP side: `POST /collect` (rate-limited per client), the readers (`/api/*`,
//! `/report`) behind the admin credential ([`crate::access`]), the login form, CORS for
//! configured origins, and static folders (the demo site and the built package).

use crate::access::{Access, Presented};
use crate::limiter::Limiter;
use crate::store::Store;
use crate::validate::EventValidator;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
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
    /// Who may read (`/api/*`, `/report`).
    pub access: Arc<Access>,
    /// Events to `/collect` per second and client address, and the burst allowed, in
    /// events (`None`: no limit). A batch of n events takes n tokens.
    pub rate_limit: Option<(f64, f64)>,
    /// The hosts whose pages are accepted ([`crate::sites`]).
    pub sites: crate::sites::Sites,
    /// Behind a reverse proxy: the client's address is the last one in
    /// `X-Forwarded-For`, and `X-Forwarded-Proto: https` means HTTPS.
    pub behind_proxy: bool,
}

struct App {
    store: Arc<Store>,
    validator: EventValidator,
    settings: Settings,
    limiter: Limiter,
}

/// The `429` of the rate limit, waiting `wait` seconds.
fn too_many(wait: u64, what: &str) -> Response {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        format!("too many {what} from this address; retry in {wait} s"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    response
}

/// The client's address: the connection's, or behind a proxy the last hop it names in
/// `X-Forwarded-For` (the one the proxy saw; earlier ones are the client's word).
fn client(settings: &Settings, request: &Request) -> IpAddr {
    if settings.behind_proxy {
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back();
        if let Some(address) = forwarded {
            return address;
        }
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip())
}

/// Whether the request reached the collector over HTTPS (through a proxy that says so).
fn https(settings: &Settings, headers: &HeaderMap) -> bool {
    settings.behind_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

fn now_seconds() -> i64 {
    crate::store::now_ms() / 1000
}

/// The whole service as an axum router.
pub fn router(store: Arc<Store>, settings: Settings) -> Router {
    let mut statics = settings.statics.clone();
    // Longest prefix first, so `/pkg` wins over `/`.
    statics.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
    let csp = settings.csp.clone();
    let app_open = settings.access.open();
    let app = Arc::new(App {
        store,
        validator: EventValidator::new(),
        settings,
        limiter: Limiter::default(),
    });
    // What only the site owner reads.
    let readers = Router::new()
        .route("/api/events", get(events))
        .route("/api/stats", get(stats))
        .route("/api/export", get(export))
        .route("/api/count", get(count))
        .route("/report", get(report))
        .route_layer(middleware::from_fn_with_state(app.clone(), guard))
        .route("/api/events", axum::routing::options(preflight))
        .route("/api/stats", axum::routing::options(preflight))
        .route("/api/export", axum::routing::options(preflight));
    let mut router = Router::new()
        .route("/collect", post(collect).options(preflight))
        .merge(readers)
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
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
    if app_open {
        router = router.layer(middleware::from_fn(loopback_names));
    }
    router
}

/// Without a password: requests for any host name but a loopback one are refused, so a
/// web page cannot read the collector by pointing its own name at 127.0.0.1 (DNS
/// rebinding).
async fn loopback_names(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if crate::access::loopback_host(host) {
        return next.run(request).await;
    }
    error(
        StatusCode::MISDIRECTED_REQUEST,
        format!("this collector has no admin password, so it answers loopback names only (localhost, 127.0.0.1), not {host:?}; set --admin-password to serve other names"),
    )
}

/// The readers' door: the admin password (Bearer or Basic) or a session cookie, unless
/// there is no password (loopback only). A wrong password is answered late; no
/// credential gets the login form (the report) or `401` (the API).
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let access = &app.settings.access;
    if access.open() {
        return next.run(request).await;
    }
    let headers = request.headers();
    let header_text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let presented = access.presented(
        header_text(header::AUTHORIZATION),
        header_text(header::COOKIE),
        now_seconds(),
    );
    let who = client(&app.settings, &request);
    match presented {
        Presented::Valid => {
            if headers.contains_key(header::AUTHORIZATION) {
                access.succeeded(who);
            }
            next.run(request).await
        }
        Presented::Wrong => {
            tokio::time::sleep(access.failed(who)).await;
            unauthorized("wrong credentials")
        }
        Presented::Nothing if request.uri().path() == "/report" => {
            let next = request.uri().path_and_query().map_or("/report", |p| p.as_str());
            let location = format!("/login?next={}", percent_encode(next));
            (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, location)],
            )
                .into_response()
        }
        Presented::Nothing => unauthorized("this needs the admin password: Authorization: Bearer <password>, or Basic with any user name"),
    }
}

fn unauthorized(message: &str) -> Response {
    let mut response = error(StatusCode::UNAUTHORIZED, message);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(
            "Bearer realm=\"lanterne\", Basic realm=\"lanterne\", charset=\"UTF-8\"",
        ),
    );
    response
}

/// `%`-encodes what is not unreserved (for a `next=` query value).
fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The login page: one password field, no script.
fn login_page(status: StatusCode, next: &str, problem: Option<&str>) -> Response {
    let mut html = String::from("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>lanterne: sign in</title><link rel=\"stylesheet\" href=\"/report.css\"></head><body><main class=\"login\"><h1>lanterne</h1><p>The report and the API need the collector's admin password.</p>");
    if let Some(problem) = problem {
        html.push_str("<p class=\"problem\" role=\"alert\">");
        html.push_str(problem);
        html.push_str("</p>");
    }
    html.push_str(
        "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"next\" value=\"",
    );
    html.push_str(&crate::report::esc(next));
    html.push_str("\"><label for=\"password\">Admin password</label> <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required autofocus> <button type=\"submit\">Sign in</button></form></main></body></html>");
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// `GET /login?next=`: the form (without a password there is nothing to sign in to).
async fn login_form(
    State(app): State<Arc<App>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let next = crate::access::safe_next(query.get("next").map(String::as_str));
    if app.settings.access.open() {
        return (StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response();
    }
    login_page(StatusCode::OK, &next, None)
}

/// `POST /login` (`password`, `next`): a session cookie and back to `next`, or the form
/// again, a second late (more for an address that keeps trying).
async fn login(State(app): State<Arc<App>>, request: Request) -> Response {
    let access = app.settings.access.clone();
    if access.open() {
        return (StatusCode::SEE_OTHER, [(header::LOCATION, "/report")]).into_response();
    }
    let who = client(&app.settings, &request);
    let secure = https(&app.settings, request.headers());
    // Only this collector's own form may sign in (no login from another site's page).
    if origin_allowed_same(request.headers()) == Some(false) {
        return error(
            StatusCode::FORBIDDEN,
            "sign in from the collector's own login page",
        );
    }
    let body = match read_body(request.into_body(), 16 * 1024).await {
        Ok(body) => body,
        Err(_) => return error(StatusCode::PAYLOAD_TOO_LARGE, "the form is too large"),
    };
    let form = form_fields(&body);
    let next = crate::access::safe_next(form.get("next").map(String::as_str));
    let given = form.get("password").map_or("", String::as_str);
    if !access.is_password(given) {
        tokio::time::sleep(access.failed(who)).await;
        return login_page(StatusCode::UNAUTHORIZED, &next, Some("Wrong password."));
    }
    access.succeeded(who);
    let cookie = format!(
        "{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}",
        crate::access::COOKIE,
        access.session(now_seconds()),
        crate::access::SESSION_SECONDS,
        if secure { "; Secure" } else { "" }
    );
    (
        StatusCode::SEE_OTHER,
        [(header::SET_COOKIE, cookie), (header::LOCATION, next)],
    )
        .into_response()
}

/// `POST /logout`: the session is signed out (its cookie refused from now on, even
/// replayed) and the cookie cleared; back to the login form.
async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    // As for signing in: another site's page cannot sign the owner out.
    if origin_allowed_same(&headers) == Some(false) {
        return error(
            StatusCode::FORBIDDEN,
            "sign out from the collector's own report",
        );
    }
    let secure = https(&app.settings, &headers);
    let cookies = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    if let Some(session) = Access::session_in(cookies) {
        app.settings.access.revoke(session, now_seconds());
    }
    let cookie = format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}",
        crate::access::COOKIE,
        if secure { "; Secure" } else { "" }
    );
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, "/login".to_owned()),
        ],
    )
        .into_response()
}

/// The fields of an `application/x-www-form-urlencoded` body (`+` is a space, `%XX` a
/// byte); the first of a name wins.
fn form_fields(body: &[u8]) -> HashMap<String, String> {
    let decode = |part: &[u8]| {
        let mut bytes = Vec::with_capacity(part.len());
        let mut i = 0;
        while i < part.len() {
            match part[i] {
                b'+' => bytes.push(b' '),
                b'%' => match part
                    .get(i + 1..i + 3)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                {
                    Some(byte) => {
                        bytes.push(byte);
                        i += 2;
                    }
                    None => bytes.push(b'%'),
                },
                byte => bytes.push(byte),
            }
            i += 1;
        }
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let mut fields = HashMap::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        fields.entry(decode(name)).or_insert_with(|| decode(value));
    }
    fields
}

/// Whether a request's `Origin` is the collector itself: `None` without an `Origin`.
fn origin_allowed_same(headers: &HeaderMap) -> Option<bool> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    Some(
        origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            == Some(host),
    )
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
        // The tracker waits as long as a 429 or 503 says.
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Retry-After"),
        );
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
        HeaderValue::from_static("content-type, authorization"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    response
}

/// `POST /collect`: one event or an array, as `application/json` or `text/plain`
/// (beacons). 200 with `{stored, duplicates}` once committed; 400 with `{error}` naming
/// the first problem; 403 when a page is not on one of the collector's sites (nothing of
/// the batch stored); 413 over the body limit (or a batch larger than the rate burst);
/// 429 past the rate limit (a batch of n events takes n tokens); 503 if the database
/// fails.
async fn collect(State(app): State<Arc<App>>, request: Request) -> Response {
    // One token before reading the body (a refused request costs one), the rest once the
    // batch is counted.
    let who = client(&app.settings, &request);
    let now = Instant::now();
    if let Some((rate, burst)) = app.settings.rate_limit {
        if let Err(wait) = app.limiter.take_n(who, 1.0, rate, burst, now) {
            return too_many(wait, "events");
        }
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
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
    if let Err(problem) = app.settings.sites.check(&events, host.as_deref()) {
        return error(StatusCode::FORBIDDEN, problem);
    }
    if let Some((rate, burst)) = app.settings.rate_limit {
        let n = events.len() as f64;
        if n > burst {
            app.limiter.give_back(who, 1.0, burst);
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "{} events in one request; this collector's --rate-burst lets an address send at most {burst} at once",
                    events.len()
                ),
            );
        }
        if n > 1.0 {
            // Refused: the first token back too, and the wait is until the bucket holds
            // the whole batch again.
            let rest = app
                .limiter
                .take_n(who, n - 1.0, rate, burst, Instant::now());
            if let Err(wait) = rest {
                app.limiter.give_back(who, 1.0, burst);
                return too_many(wait, "events");
            }
        }
    }
    let store = app.store.clone();
    match tokio::task::spawn_blocking(move || store.insert_batch(&events)).await {
        Ok(Ok(stored)) => Json(stored).into_response(),
        failed => storage_failed("POST /collect", failed.map(|r| r.map(|_| ()))),
    }
}

/// The answer when the store failed: the database's message goes to the log, never to
/// the client (anonymous, for `/collect`), which is told to retry.
fn storage_failed(
    what: &str,
    failed: Result<Result<(), crate::store::error::StoreError>, tokio::task::JoinError>,
) -> Response {
    match failed {
        Ok(Err(e)) => eprintln!("lanterne-collector: {what}: storage failed: {e}"),
        Err(e) => eprintln!("lanterne-collector: {what}: storage task failed: {e}"),
        Ok(Ok(())) => {}
    }
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage failed, retry later",
    )
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
        failed => storage_failed("GET /api/events", failed.map(|r| r.map(|_| ()))),
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

/// The filter of a stats, report or export request: `range` (`7`, `30`, `90`: the last so
/// many UTC days, today included; `all`; `custom` or absent: `from` and `to`), `from`,
/// `to`, `site` (a host, as in the report's list), `page`, `direct`. Empty values are
/// absent (a GET form sends every field).
pub fn parse_filter(query: &HashMap<String, String>) -> Result<crate::stats::Filter, String> {
    let given = |key: &str| query.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let time = |key: &str, end: bool| match given(key) {
        None => Ok(None),
        Some(v) => parse_time(v, end).map(Some).ok_or_else(|| {
            format!("{key} must be milliseconds since 1970 or a day such as 2026-11-21")
        }),
    };
    let direct = match given("direct") {
        None => None,
        Some(v) => Some(
            v.parse::<u64>()
                .map_err(|_| "direct must be a whole number of visits".to_string())?,
        ),
    };
    let (from, to) = match given("range") {
        None | Some("custom") => (time("from", false)?, time("to", true)?),
        Some("all") => (None, None),
        Some(days) => match days.parse::<i64>() {
            Ok(n) if (1..=3660).contains(&n) => {
                let today = crate::store::now_ms().div_euclid(crate::stats::DAY_MS);
                (
                    Some((today - n + 1) * crate::stats::DAY_MS),
                    Some((today + 1) * crate::stats::DAY_MS - 1),
                )
            }
            _ => {
                return Err("range must be a number of days (7, 30, 90), all or custom".to_string())
            }
        },
    };
    Ok(crate::stats::Filter {
        from,
        to,
        site: given("site").map(str::to_ascii_lowercase),
        page: given("page").map(crate::pages::page_key),
        direct,
    })
}

/// `GET /api/stats?range=&from=&to=&site=&page=&direct=`: docs/stats.md#stats.
async fn stats(
    State(app): State<Arc<App>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let filter = match parse_filter(&query) {
        Ok(filter) => filter,
        Err(problem) => return error(StatusCode::BAD_REQUEST, problem),
    };
    let store = app.store.clone();
    match tokio::task::spawn_blocking(move || store.stats(&filter)).await {
        Ok(Ok(stats)) => Json(stats).into_response(),
        failed => storage_failed("GET /api/stats", failed.map(|r| r.map(|_| ()))),
    }
}

/// `GET /report?range=&from=&to=&site=&page=&direct=&tree=&lang=`: the stats as a page
/// (docs/stats.md#report).
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
    let mut view = crate::report::View::new(
        &query,
        filter,
        headers.get(header::HOST).and_then(|h| h.to_str().ok()),
    );
    view.signed_in = !app.settings.access.open()
        && Access::session_in(headers.get(header::COOKIE).and_then(|v| v.to_str().ok())).is_some();
    let store = app.store.clone();
    let page = tokio::task::spawn_blocking(move || crate::report::page(&store, &view, lang)).await;
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
        failed => storage_failed("GET /report", failed.map(|r| r.map(|_| ()))),
    }
}

/// One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). A
/// text that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a `'` in front, as OWASP recommends, so a page titled
/// `=HYPERLINK(…)` stays text.
fn csv_field(out: &mut String, value: &serde_json::Value) {
    let text = match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
            format!("'{s}")
        }
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

/// The events as CSV: one line per event, the fields of docs/events.md#events.
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

/// `GET /api/export?range=&from=&to=&site=&page=&format=json|csv`: the events of the
/// filter, oldest first, streamed a thousand at a time (memory stays small whatever the
/// range).
async fn export(
    State(app): State<Arc<App>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let filter = match parse_filter(&query) {
        Ok(filter) => filter,
        Err(problem) => return error(StatusCode::BAD_REQUEST, problem),
    };
    let csv = match query.get("format").map(String::as_str) {
        None | Some("json") | Some("") => false,
        Some("csv") => true,
        Some(_) => return error(StatusCode::BAD_REQUEST, "format must be json or csv"),
    };
    let store = app.store.clone();
    // The first page before answering, so a failing database is a 503, not a cut body.
    let first = {
        let (store, filter) = (store.clone(), filter.clone());
        tokio::task::spawn_blocking(move || store.export_page(&filter, None, 1000)).await
    };
    let first = match first {
        Ok(Ok(first)) => first,
        failed => return storage_failed("GET /api/export", failed.map(|r| r.map(|_| ()))),
    };
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<String, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let mut page = first;
        let mut started = false;
        loop {
            let after = page.last().map(|last| (last.0, last.1));
            let mut chunk = String::new();
            if csv {
                let events: Vec<serde_json::Value> = page
                    .iter()
                    .map(|(_, _, body)| serde_json::from_str(body).unwrap_or_default())
                    .collect();
                let text = to_csv(&events);
                // The header line once, at the start.
                let skip = if started {
                    text.find("\r\n").map_or(0, |i| i + 2)
                } else {
                    0
                };
                chunk.push_str(&text[skip..]);
            } else {
                for (_, _, body) in &page {
                    chunk.push(if started { ',' } else { '[' });
                    started = true;
                    chunk.push_str(body);
                }
                if after.is_none() {
                    chunk.push_str(if started { "]" } else { "[]" });
                }
            }
            started = true;
            if sender.blocking_send(Ok(chunk)).is_err() {
                return; // the client went away
            }
            let Some(after) = after else { return };
            page = match store.export_page(&filter, Some(after), 1000) {
                Ok(page) => page,
                Err(e) => {
                    // The body is cut (the client sees an incomplete answer); why, in the log.
                    eprintln!("lanterne-collector: GET /api/export: storage failed: {e}");
                    let _ = sender.blocking_send(Err(std::io::Error::other("storage failed")));
                    return;
                }
            };
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    });
    let body = axum::body::Body::from_stream(stream);
    if csv {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"lanterne-events.csv\"",
                ),
            ],
            body,
        )
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    }
}

/// `GET /api/count`: `{"events": n}`, the number of stored events (for benchmarks and
/// monitoring; cheap at any size).
async fn count(State(app): State<Arc<App>>) -> Response {
    let store = app.store.clone();
    match tokio::task::spawn_blocking(move || store.count()).await {
        Ok(Ok(n)) => Json(serde_json::json!({ "events": n })).into_response(),
        failed => storage_failed("GET /api/count", failed.map(|r| r.map(|_| ()))),
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
    fn csv_cells_never_start_a_formula() {
        let event = serde_json::json!({"id": "x", "type": "copy", "title": "=HYPERLINK(\"https://evil.example\",\"click\")", "url": "+1", "referrer": "@SUM(A1)", "token": "-2", "parent": "\tx", "channel": "\rx", "ts": 5, "chars": 0});
        let csv = super::to_csv(&[event]);
        let line = csv.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "x,copy,\"'\rx\",'-2,'\tx,'+1,\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"click\"\")\",5,'@SUM(A1),0,,"
        );
        // Numbers are numbers, even negative ones (none are stored; they stay numbers).
        let csv = super::to_csv(&[serde_json::json!({"id": "y", "ts": -1})]);
        assert!(csv.contains("y,,,,,,,-1,"));
    }

    #[test]
    fn form_bodies() {
        let fields = super::form_fields(
            b"password=p%40ss+w%C3%A9rd%3D%26&next=%2Freport%3Ffrom%3D1&next=%2Fx&bad=%zz%4",
        );
        assert_eq!(fields["password"], "p@ss w\u{e9}rd=&");
        assert_eq!(fields["next"], "/report?from=1");
        assert_eq!(fields["bad"], "%zz%4");
        assert!(super::form_fields(b"").is_empty());
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
