//! Which pages count: the collector accepts an event only if its page (`url`) is on one
//! of its sites (docs/collector.md#sites), so nobody can fill the owner's report with
//! other hosts' URLs (a phishing page listed among the most shared).
//!
//! The sites are the hosts of the `--origin` values, the `--site` hosts (`*.example.com`:
//! the domain and its subdomains; anything else exactly that host), and, for the pages
//! served on this machine (the demo, the tests, a dev server), any loopback host
//! (`localhost`, `127.x.x.x`, `[::1]`) when the request too was sent to a loopback name
//! (its `Host`). Ports never count. A public `Host` does not make a site: any client that
//! is not a browser can send any `Host`.

use serde_json::Value;

/// The hosts whose pages this collector accepts.
///
/// ```
/// use lanterne_collector::sites::Sites;
/// let sites = Sites::new(&["https://blog.example".into()], &["*.shop.example".into()]).unwrap();
/// assert!(sites.allows("https://Blog.Example:8443/a?b", None));
/// assert!(sites.allows("https://eu.shop.example/p", None));
/// assert!(!sites.allows("https://www.blog.example/", None));
/// assert!(sites.allows("http://127.0.0.1:9/t/", Some("127.0.0.1:8080")));
/// assert!(!sites.allows("https://phishing.example/", Some("phishing.example")));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Sites {
    /// Exact hosts, lower-case, no port, no trailing dot.
    exact: Vec<String>,
    /// Domains whose subdomains count too (`*.example.com` is `example.com`).
    domains: Vec<String>,
    /// As configured, for messages.
    shown: Vec<String>,
}

impl Sites {
    /// The sites of `--origin` values (`*` adds none) and `--site` patterns; the error
    /// names a pattern that is not a host.
    pub fn new(origins: &[String], sites: &[String]) -> Result<Sites, String> {
        let mut out = Sites::default();
        for origin in origins.iter().filter(|o| *o != "*") {
            let host = host_of(origin);
            if host.is_empty() {
                return Err(format!("--origin {origin}: no host in it"));
            }
            out.add(host, false);
        }
        for pattern in sites {
            let (wildcard, host) = match pattern.strip_prefix("*.") {
                Some(rest) => (true, rest),
                None => (false, pattern.as_str()),
            };
            let host = strip_port(&host.to_ascii_lowercase());
            let host = host.trim_end_matches('.').to_owned();
            let plausible = !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.[]:_".contains(&b));
            if !plausible || host.contains("..") || pattern.contains('/') {
                return Err(format!(
                    "--site {pattern}: expected a host such as blog.example or *.blog.example (no scheme, no path)"
                ));
            }
            out.add(host, wildcard);
        }
        Ok(out)
    }

    fn add(&mut self, host: String, wildcard: bool) {
        self.shown.push(if wildcard {
            format!("*.{host}")
        } else {
            host.clone()
        });
        if wildcard {
            self.domains.push(host);
        } else {
            self.exact.push(host);
        }
    }

    /// Whether the page `url` is on one of the sites, for a request sent to `host` (its
    /// `Host` header: a loopback one accepts loopback pages).
    pub fn allows(&self, url: &str, host: Option<&str>) -> bool {
        let page = host_of(url);
        if self.exact.contains(&page) {
            return true;
        }
        if self.domains.iter().any(|d| {
            page == *d
                || (page.len() > d.len()
                    && page.ends_with(d.as_str())
                    && page.as_bytes()[page.len() - d.len() - 1] == b'.')
        }) {
            return true;
        }
        let served = host
            .map(|h| strip_port(&h.to_ascii_lowercase()))
            .unwrap_or_default();
        loopback(&page) && loopback(&served)
    }

    /// `Err` with the first event whose page is not on a site, as the 403 says it.
    pub fn check(&self, events: &[Value], host: Option<&str>) -> Result<(), String> {
        for (i, event) in events.iter().enumerate() {
            let url = event.get("url").and_then(Value::as_str).unwrap_or("");
            if !self.allows(url, host) {
                let page = host_of(url);
                let ours = if self.shown.is_empty() {
                    "none but its own loopback name".to_owned()
                } else {
                    self.shown.join(", ")
                };
                return Err(format!(
                    "event {i}: url host {page:?} is not one of this collector's sites ({ours}); start it with --site {page} to accept it"
                ));
            }
        }
        Ok(())
    }
}

/// The host of a URL or origin: lower-case, without user, port or trailing dot.
fn host_of(url: &str) -> String {
    let host = crate::stats::site_of(url);
    strip_port(&host).trim_end_matches('.').to_owned()
}

/// `host:port` without the port (`[::1]:80` is `[::1]`).
fn strip_port(host: &str) -> String {
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host).to_owned();
    }
    host.split(':').next().unwrap_or(host).to_owned()
}

/// `localhost` (or a name under it), `127.x.x.x` or `[::1]`.
fn loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_owners_hosts() {
        let sites = Sites::new(
            &["https://blog.example".into(), "*".into()],
            &["shop.example:8443".into(), "*.news.example".into()],
        )
        .unwrap();
        for ok in [
            "https://blog.example/a",
            "http://BLOG.example.:8080/a#x",
            "https://shop.example/p",
            "https://news.example/",
            "https://eu.news.example/x",
        ] {
            assert!(sites.allows(ok, None), "{ok}");
        }
        for refused in [
            "https://phishing.example/wp-login.php",
            "https://www.blog.example/",
            "https://blog.example.evil.example/",
            "https://evilnews.example/",
            "https://blog.example@phishing.example/",
            "https://www.shop.example/",
        ] {
            assert!(!sites.allows(refused, None), "{refused}");
        }
        // Loopback pages sent to a loopback name, whatever the ports; a public Host does
        // not count (any client can send any Host).
        assert!(sites.allows("http://127.0.0.1:1/t", Some("127.0.0.1:8080")));
        assert!(sites.allows("http://localhost/t", Some("localhost:8080")));
        assert!(sites.allows("http://localhost/t", Some("127.0.0.1:8080")));
        assert!(sites.allows("http://[::1]/t", Some("127.0.0.2")));
        assert!(!sites.allows("http://localhost/t", None));
        assert!(!sites.allows("http://127.0.0.1/t", Some("stats.blog.example")));
        assert!(!sites.allows("http://127.0.0.1.evil.example/", Some("127.0.0.1")));
        assert!(!sites.allows("https://phishing.example/", Some("phishing.example")));
        assert!(!sites.allows("not a url", Some("")));
    }

    #[test]
    fn the_refusal_names_the_event_and_the_flag() {
        let sites = Sites::new(&["https://blog.example".into()], &[]).unwrap();
        let ok = json!({"url": "https://blog.example/a"});
        let bad = json!({"url": "https://phishing.example/wp-login.php"});
        assert_eq!(
            sites.check(&[ok.clone(), ok, bad], None).unwrap_err(),
            "event 2: url host \"phishing.example\" is not one of this collector's sites (blog.example); start it with --site phishing.example to accept it"
        );
        assert!(Sites::new(&[], &["https://x.example/".into()]).is_err());
        assert!(Sites::new(&[], &["a b".into()]).is_err());
        assert!(Sites::new(&[], &["*.".into()]).is_err());
    }
}
