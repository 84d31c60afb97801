//! Which hosts' URLs get a token (SPEC §3: by default the page's own host).

use super::punycode::host_to_ascii;
use super::url::is_plausible_host;
use crate::prelude::*;

/// The set of hosts whose URLs are the site's own, matched case-insensitively, with
/// Unicode hosts compared in their punycode form, ports ignored.
///
/// A pattern is a host (`example.com`) or `*.` and a domain (`*.example.com`), which
/// matches that domain and every subdomain.
///
/// ```
/// use lanterne::core::hosts::TrackedHosts;
/// let hosts = TrackedHosts::parse(["example.com", "*.blog.example"]).unwrap();
/// assert!(hosts.matches("EXAMPLE.com"));
/// assert!(hosts.matches("fr.blog.example"));
/// assert!(!hosts.matches("example.org"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrackedHosts {
    exact: Vec<String>,
    domains: Vec<String>,
}

impl TrackedHosts {
    /// The default for a page: its own host name, plus its `www.` twin (`example.com` and
    /// `www.example.com` are the same site for nearly everyone).
    ///
    /// ```
    /// use lanterne::core::hosts::TrackedHosts;
    /// let hosts = TrackedHosts::for_page("www.example.com");
    /// assert!(hosts.matches("example.com") && hosts.matches("www.example.com"));
    /// ```
    pub fn for_page(hostname: &str) -> TrackedHosts {
        let host = host_to_ascii(hostname).unwrap_or_default();
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
        }
    }

    /// Parses configured patterns; the error is the first pattern that is not a host.
    ///
    /// ```
    /// use lanterne::core::hosts::TrackedHosts;
    /// assert_eq!(TrackedHosts::parse(["ok.example", "not a host"]).unwrap_err(), "not a host");
    /// ```
    pub fn parse<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<TrackedHosts, &'a str> {
        let mut hosts = TrackedHosts::default();
        for pattern in patterns {
            let (wildcard, host) = match pattern.strip_prefix("*.") {
                Some(rest) => (true, rest),
                None => (false, pattern),
            };
            let ascii = host_to_ascii(host)
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

    /// Whether `host` (as written in a URL, any case, Unicode or punycode, IPv6 in
    /// brackets, no port) is one of the tracked hosts.
    pub fn matches(&self, host: &str) -> bool {
        let Some(ascii) = host_to_ascii(host) else {
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

    #[test]
    fn matching() {
        let hosts =
            TrackedHosts::parse(["café.example", "*.example.org", "[::1]", "127.0.0.1"]).unwrap();
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
        ] {
            assert!(!hosts.matches(no), "{no}");
        }
        assert!(TrackedHosts::parse(["*."]).is_err());
        assert!(TrackedHosts::parse(["a/b"]).is_err());
        let local = TrackedHosts::for_page("127.0.0.1");
        assert_eq!(local.exact_hosts().collect::<Vec<_>>(), ["127.0.0.1"]);
        let plain = TrackedHosts::for_page("localhost");
        assert_eq!(plain.exact_hosts().collect::<Vec<_>>(), ["localhost"]);
    }
}
