//! Which hosts' URLs get a token (docs/how-it-works.md#copy-tracking: by default the
//! page's own host).

use super::url::is_plausible_host;
use crate::prelude::*;

/// Turns a host name as written (any case, Unicode or punycode) into its lower-case ASCII
/// form, or `None` when it is not a host name.
///
/// The browser layer passes one that asks the browser's own URL parser about Unicode
/// names (WHATWG IDNA: `café.example` becomes `xn--caf-dma.example`), so no IDNA or
/// punycode code ships in the wasm; [`ascii_lowercase`] is its ASCII half, and what
/// native tests use.
pub type ToAscii = fn(&str) -> Option<String>;

/// The ASCII half of a [`ToAscii`]: an ASCII name in lower case; `None` for a Unicode one.
///
/// ```
/// use lanterne::core::hosts::ascii_lowercase;
/// assert_eq!(ascii_lowercase("Blog.Example").as_deref(), Some("blog.example"));
/// assert_eq!(ascii_lowercase("café.example"), None);
/// ```
pub fn ascii_lowercase(host: &str) -> Option<String> {
    host.is_ascii().then(|| host.to_ascii_lowercase())
}

/// The set of hosts whose URLs are the site's own, matched case-insensitively, with
/// Unicode hosts compared in their ASCII form, ports ignored.
///
/// A pattern is a host (`example.com`) or `*.` and a domain (`*.example.com`), which
/// matches that domain and every subdomain.
///
/// ```
/// use lanterne::core::hosts::{ascii_lowercase, TrackedHosts};
/// let hosts = TrackedHosts::parse(["example.com", "*.blog.example"], ascii_lowercase).unwrap();
/// assert!(hosts.matches("EXAMPLE.com"));
/// assert!(hosts.matches("fr.blog.example"));
/// assert!(!hosts.matches("example.org"));
/// ```
#[derive(Clone, Debug)]
pub struct TrackedHosts {
    exact: Vec<String>,
    domains: Vec<String>,
    to_ascii: ToAscii,
}

impl TrackedHosts {
    /// The default for a page: its own host name (`location.hostname`, already ASCII),
    /// plus its `www.` twin (`example.com` and `www.example.com` are the same site for
    /// nearly everyone).
    ///
    /// ```
    /// use lanterne::core::hosts::{ascii_lowercase, TrackedHosts};
    /// let hosts = TrackedHosts::for_page("www.example.com", ascii_lowercase);
    /// assert!(hosts.matches("example.com") && hosts.matches("www.example.com"));
    /// ```
    pub fn for_page(hostname: &str, to_ascii: ToAscii) -> TrackedHosts {
        let host = to_ascii(hostname.strip_suffix('.').unwrap_or(hostname)).unwrap_or_default();
        let twin = match host.strip_prefix("www.") {
            Some(bare) => bare.to_owned(),
            None if host.contains('.')
                && !host.bytes().all(|b| b.is_ascii_digit() || b == b'.') =>
            {
                let mut www = String::from("www.");
                www.push_str(&host);
                www
            }
            None => String::new(),
        };
        let mut exact = vec![host];
        if !twin.is_empty() {
            exact.push(twin);
        }
        TrackedHosts {
            exact,
            domains: Vec::new(),
            to_ascii,
        }
    }

    /// Parses configured patterns; the error is the first pattern that is not a host.
    ///
    /// ```
    /// use lanterne::core::hosts::{ascii_lowercase, TrackedHosts};
    /// assert_eq!(TrackedHosts::parse(["ok.example", "not a host"], ascii_lowercase).unwrap_err(), "not a host");
    /// ```
    pub fn parse<'a>(
        patterns: impl IntoIterator<Item = &'a str>,
        to_ascii: ToAscii,
    ) -> Result<TrackedHosts, &'a str> {
        let mut hosts = TrackedHosts {
            exact: Vec::new(),
            domains: Vec::new(),
            to_ascii,
        };
        for pattern in patterns {
            let (wildcard, host) = match pattern.strip_prefix("*.") {
                Some(rest) => (true, rest),
                None => (false, pattern),
            };
            let ascii = hosts
                .ascii(host)
                .filter(|h| is_plausible_host(h))
                .ok_or(pattern)?;
            if wildcard {
                hosts.domains.push(ascii)
            } else {
                hosts.exact.push(ascii)
            }
        }
        Ok(hosts)
    }

    /// `host` in ASCII, without a trailing dot (`example.com.` is `example.com`).
    fn ascii(&self, host: &str) -> Option<String> {
        (self.to_ascii)(host.strip_suffix('.').unwrap_or(host))
    }

    /// Whether `host` (as written in a URL, any case, Unicode or punycode, IPv6 in
    /// brackets, no port) is one of the tracked hosts.
    pub fn matches(&self, host: &str) -> bool {
        let Some(ascii) = self.ascii(host) else {
            return false;
        };
        self.exact.contains(&ascii)
            || self.domains.iter().any(|d| {
                ascii == *d
                    || (ascii.len() > d.len()
                        && ascii.ends_with(d.as_str())
                        && ascii.as_bytes()[ascii.len() - d.len() - 1] == b'.')
            })
    }

    /// The exact host names (ASCII, lower case), used to spot bare `host/path` URLs in text.
    pub fn exact_hosts(&self) -> impl Iterator<Item = &str> {
        self.exact.iter().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The browser's answer for the one Unicode host these tests use.
    fn idn(host: &str) -> Option<String> {
        match host.to_lowercase().as_str() {
            "café.example" => Some("xn--caf-dma.example".into()),
            _ => ascii_lowercase(host),
        }
    }

    #[test]
    fn matching() {
        let hosts =
            TrackedHosts::parse(["café.example", "*.example.org", "[::1]", "127.0.0.1"], idn)
                .unwrap();
        for yes in [
            "café.example",
            "CAFÉ.example",
            "xn--caf-dma.example",
            "example.org",
            "a.b.example.org",
            "[::1]",
            "127.0.0.1",
            "café.example.",
        ] {
            assert!(hosts.matches(yes), "{yes}");
        }
        for no in [
            "cafe.example",
            "badexample.org",
            "example.org.evil",
            "[::2]",
            "127.0.0.2",
            "",
            "unknown.例え",
        ] {
            assert!(!hosts.matches(no), "{no}");
        }
        assert!(TrackedHosts::parse(["*."], idn).is_err());
        assert!(TrackedHosts::parse(["a/b"], idn).is_err());
        assert!(TrackedHosts::parse(["例え.example"], idn).is_err());
        let local = TrackedHosts::for_page("127.0.0.1", idn);
        assert_eq!(local.exact_hosts().collect::<Vec<_>>(), ["127.0.0.1"]);
        let plain = TrackedHosts::for_page("localhost", idn);
        assert_eq!(plain.exact_hosts().collect::<Vec<_>>(), ["localhost"]);
    }
}
