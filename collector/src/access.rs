//! Who may read the numbers (docs/collector.md#access): the site owner, with the admin
//! password.
//!
//! - The API takes the password as HTTP Bearer (`Authorization: Bearer …`) or Basic (any
//!   user name), or the report's session cookie.
//! - The report takes a session cookie set by a small login form: `HttpOnly`,
//!   `SameSite=Strict`, `Secure` behind HTTPS, signed with HMAC-SHA-256 under a key
//!   derived from the password (every collector behind a load balancer accepts it, and a
//!   new password signs everyone out), valid for 12 hours.
//! - Passwords are compared in constant time (both sides through the HMAC first, so even
//!   their lengths are not compared), and every wrong one is answered a second late, more
//!   for an address that keeps trying.
//! - Without a password, readers are open, but only on a loopback address (the demo), and
//!   only to requests whose `Host` is a loopback name, so a web page cannot read them by
//!   pointing its own host name at 127.0.0.1 (DNS rebinding).

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

type HmacSha256 = Hmac<Sha256>;

/// The session cookie's name.
pub const COOKIE: &str = "lanterne_session";

/// How long a session lasts, in seconds.
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// Wrong passwords from one address within this window count together.
const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The reading credential and what follows from it.
pub struct Access {
    /// The admin password; `None`: readers are served on loopback only, to loopback names.
    password: Option<String>,
    /// Signs session cookies and digests passwords: derived from the password.
    key: [u8; 32],
    /// Wrong passwords by client address: how many, and when the last was.
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
    /// Sessions signed out before they expired, with their expiry (then forgotten).
    revoked: Mutex<HashMap<String, i64>>,
}

impl std::fmt::Debug for Access {
    // Never the password, not even in a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access")
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

/// Why a password cannot be used.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < 12 {
        return Err("the admin password must be at least 12 characters long".into());
    }
    if password.chars().any(char::is_control) {
        return Err("the admin password must not contain control characters".into());
    }
    Ok(())
}

impl Access {
    /// Access with `password` (already checked with [`check_password`]), or open on
    /// loopback without one.
    pub fn new(password: Option<String>) -> Access {
        let key = match &password {
            Some(password) => {
                let mut mac = <HmacSha256 as KeyInit>::new_from_slice(b"lanterne session key v1")
                    .expect("any key length");
                mac.update(password.as_bytes());
                mac.finalize().into_bytes().into()
            }
            None => [0; 32], // nothing to sign: readers are open
        };
        Access {
            password,
            key,
            failures: Mutex::new(HashMap::new()),
            revoked: Mutex::new(HashMap::new()),
        }
    }

    /// Whether readers need no credential (no password: loopback only).
    pub fn open(&self) -> bool {
        self.password.is_none()
    }

    fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.key).expect("any key length");
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// Whether `given` is the password, in constant time: both go through the HMAC, and
    /// the digests are compared with `verify_slice`.
    pub fn is_password(&self, given: &str) -> bool {
        let Some(password) = &self.password else {
            return false;
        };
        let expected = self.mac(&[b"password\0", password.as_bytes()]);
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.key).expect("any key length");
        mac.update(b"password\0");
        mac.update(given.as_bytes());
        mac.verify_slice(&expected).is_ok()
    }

    /// A session cookie's value for a login at `now` (seconds since the epoch):
    /// `expiry.signature`.
    pub fn session(&self, now: i64) -> String {
        let expiry = (now + SESSION_SECONDS).to_string();
        let signature = self.mac(&[b"session\0", expiry.as_bytes()]);
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature);
        format!("{expiry}.{encoded}")
    }

    /// Whether a session cookie's value is one this collector signed and not expired.
    pub fn valid_session(&self, value: &str, now: i64) -> bool {
        let Some((expiry, signature)) = value.split_once('.') else {
            return false;
        };
        let Ok(until) = expiry.parse::<i64>() else {
            return false;
        };
        let Ok(signature) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature)
        else {
            return false;
        };
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.key).expect("any key length");
        mac.update(b"session\0");
        mac.update(expiry.as_bytes());
        mac.verify_slice(&signature).is_ok()
            && now < until
            && !self
                .revoked
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains_key(value)
    }

    /// Signs a session out (logout): its cookie is refused from now on, even replayed.
    pub fn revoke(&self, value: &str, now: i64) {
        if !self.valid_session(value, now) {
            return;
        }
        let until = value
            .split_once('.')
            .and_then(|(expiry, _)| expiry.parse().ok())
            .unwrap_or(now);
        let mut revoked = self.revoked.lock().unwrap_or_else(|e| e.into_inner());
        revoked.retain(|_, expiry| *expiry > now);
        revoked.insert(value.to_owned(), until);
    }

    /// The session cookie's value among a `Cookie` header's pairs.
    pub fn session_in(cookies: Option<&str>) -> Option<&str> {
        cookies
            .into_iter()
            .flat_map(|c| c.split(';'))
            .find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == COOKIE).then_some(value)
            })
    }

    /// What a request presents: the password (Bearer or Basic), a session cookie, or
    /// nothing.
    pub fn presented(
        &self,
        authorization: Option<&str>,
        cookies: Option<&str>,
        now: i64,
    ) -> Presented {
        if let Some(value) = authorization {
            let value = value.trim();
            let given = if let Some(token) = strip_scheme(value, "Bearer") {
                Some(token.trim().to_owned())
            } else if let Some(encoded) = strip_scheme(value, "Basic") {
                base64::engine::general_purpose::STANDARD
                    .decode(encoded.trim())
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .map(|pair| {
                        pair.split_once(':')
                            .map_or(pair.clone(), |(_, p)| p.to_owned())
                    })
            } else {
                None
            };
            return match given {
                Some(given) if self.is_password(&given) => Presented::Valid,
                _ => Presented::Wrong,
            };
        }
        let session = cookies
            .into_iter()
            .flat_map(|c| c.split(';'))
            .find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == COOKIE).then_some(value)
            });
        match session {
            Some(value) if self.valid_session(value, now) => Presented::Valid,
            // An expired or foreign session is no attempt at a password.
            Some(_) | None => Presented::Nothing,
        }
    }

    /// Counts a wrong password from `client`; returns how long to wait before answering
    /// (one second, then one more for each further failure within 15 minutes, at most 10).
    pub fn failed(&self, client: IpAddr) -> Duration {
        self.failed_at(client, Instant::now())
    }

    /// [`failed`](Self::failed) at `now`.
    fn failed_at(&self, client: IpAddr, now: Instant) -> Duration {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Addresses quiet for the window count as new: forget them, so that an address is
        // kept no longer than the slow-down needs it (docs/privacy.md), and the map stays
        // bounded. Wrong passwords are rare and each waits a second: the sweep is cheap.
        failures.retain(|_, (_, last)| now.duration_since(*last) < FAILURE_WINDOW);
        let entry = failures.entry(client).or_insert((0, now));
        if now.duration_since(entry.1) >= FAILURE_WINDOW {
            entry.0 = 0;
        }
        entry.0 += 1;
        entry.1 = now;
        Duration::from_secs(u64::from(entry.0.min(10)))
    }

    /// Forgets the failures of `client` after a right password.
    pub fn succeeded(&self, client: IpAddr) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(&client);
    }
}

/// What a request presents to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presented {
    /// The right password or a valid session.
    Valid,
    /// A password, wrong.
    Wrong,
    /// No credential (or an expired session).
    Nothing,
}

fn strip_scheme<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let head = value.get(..scheme.len())?;
    let rest = value.get(scheme.len()..)?;
    (head.eq_ignore_ascii_case(scheme) && rest.starts_with(' ')).then_some(rest)
}

/// Whether a `Host` header names this machine's loopback: `localhost` (and names under
/// `.localhost`), `127.x.x.x` or `[::1]`, with or without a port.
pub fn loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inside, port)) if port.is_empty() || port.starts_with(':') => inside,
            _ => return false,
        }
    } else {
        host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host
            }
        })
    };
    let name = name.to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A `next` address after login: a path on this collector, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/report".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access() -> Access {
        Access::new(Some("correct horse battery".into()))
    }

    #[test]
    fn passwords() {
        let a = access();
        assert!(a.is_password("correct horse battery"));
        for wrong in [
            "",
            "correct horse batter",
            "correct horse battery ",
            "CORRECT HORSE BATTERY",
        ] {
            assert!(!a.is_password(wrong), "{wrong:?}");
        }
        assert!(!Access::new(None).is_password(""));
        assert!(check_password("short").is_err());
        assert!(check_password("twelve chars").is_ok());
        assert!(check_password("twelve chars\n").is_err());
        assert!(!format!("{a:?}").contains("horse"));
    }

    #[test]
    fn credentials() {
        let a = access();
        let basic = |pair: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        };
        assert_eq!(
            a.presented(Some("Bearer correct horse battery"), None, 0),
            Presented::Valid
        );
        assert_eq!(
            a.presented(Some("bearer correct horse battery"), None, 0),
            Presented::Valid
        );
        assert_eq!(
            a.presented(Some(&basic("admin:correct horse battery")), None, 0),
            Presented::Valid
        );
        assert_eq!(
            a.presented(Some(&basic(":correct horse battery")), None, 0),
            Presented::Valid
        );
        assert_eq!(
            a.presented(Some(&basic("admin:nope")), None, 0),
            Presented::Wrong
        );
        assert_eq!(a.presented(Some("Bearer nope"), None, 0), Presented::Wrong);
        assert_eq!(a.presented(Some("Digest x"), None, 0), Presented::Wrong);
        assert_eq!(a.presented(None, None, 0), Presented::Nothing);
    }

    #[test]
    fn sessions() {
        let a = access();
        let now = 1_800_000_000;
        let value = a.session(now);
        let cookie = format!("theme=dark; {COOKIE}={value}");
        assert_eq!(a.presented(None, Some(&cookie), now + 60), Presented::Valid);
        assert_eq!(
            a.presented(None, Some(&cookie), now + SESSION_SECONDS),
            Presented::Nothing,
            "expired"
        );
        // Another collector with the same password accepts it; a new password, or a
        // changed expiry, does not.
        assert!(access().valid_session(&value, now));
        assert!(!Access::new(Some("another password".into())).valid_session(&value, now));
        let (expiry, signature) = value.split_once('.').unwrap();
        let later = format!("{}.{signature}", expiry.parse::<i64>().unwrap() + 3600);
        assert!(!a.valid_session(&later, now));
        assert!(!a.valid_session("garbage", now));
        // Signed out: refused even if replayed; another session stays good.
        let other = a.session(now + 1);
        a.revoke(&value, now + 2);
        assert!(!a.valid_session(&value, now + 3));
        assert!(a.valid_session(&other, now + 3));
    }

    #[test]
    fn wrong_passwords_wait_longer() {
        let a = access();
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(a.failed(ip), Duration::from_secs(1));
        assert_eq!(a.failed(ip), Duration::from_secs(2));
        a.succeeded(ip);
        assert_eq!(a.failed(ip), Duration::from_secs(1));
        for _ in 0..20 {
            a.failed(ip);
        }
        assert_eq!(a.failed(ip), Duration::from_secs(10));
    }

    #[test]
    fn quiet_addresses_are_forgotten_after_the_window() {
        let a = access();
        let known = |a: &Access| a.failures.lock().unwrap().len();
        let (old, new): (IpAddr, IpAddr) = (
            "203.0.113.9".parse().unwrap(),
            "203.0.113.10".parse().unwrap(),
        );
        let t0 = Instant::now();
        assert_eq!(a.failed_at(old, t0), Duration::from_secs(1));
        assert_eq!(
            a.failed_at(new, t0 + FAILURE_WINDOW / 2),
            Duration::from_secs(1)
        );
        assert_eq!(known(&a), 2);
        // Past the window, the next failure from anyone forgets `old`, and `new` counts on.
        assert_eq!(
            a.failed_at(new, t0 + FAILURE_WINDOW),
            Duration::from_secs(2)
        );
        assert_eq!(known(&a), 1);
        assert_eq!(
            a.failed_at(old, t0 + FAILURE_WINDOW),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "localhost:8080",
            "127.0.0.1",
            "127.0.0.1:45123",
            "127.1.2.3:80",
            "[::1]",
            "[::1]:8080",
            "app.localhost:3000",
            "LOCALHOST",
        ] {
            assert!(loopback_host(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "10.0.0.1",
            "[::2]:80",
            "[::1]x",
            "",
            "localhost.evil.example",
        ] {
            assert!(!loopback_host(host), "{host}");
        }
    }

    #[test]
    fn next_stays_here() {
        assert_eq!(
            safe_next(Some("/report?from=2026-01-01")),
            "/report?from=2026-01-01"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/report");
        }
        assert_eq!(safe_next(None), "/report");
    }
}
