//! A page's identity in the stats (docs/stats.md#stats): its URL without what says how a
//! visitor came (`utm_*` parameters, lanterne's own `lt` token parameter) and without
//! its fragment, so a click-back whose link kept `?utm_source=whatsapp` counts for the
//! same page as the share. The event itself (exports, `/api/events`) keeps its URL.

/// The page key of `url`.
///
/// ```
/// use lanterne_collector::pages::page_key;
/// assert_eq!(page_key("https://blog.example/a?utm_source=whatsapp&utm_medium=social#lt=x"), "https://blog.example/a");
/// assert_eq!(page_key("https://blog.example/a?id=2&lt=wAbCdEfGh-_9&UTM_Campaign=z"), "https://blog.example/a?id=2");
/// ```
pub fn page_key(url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    let Some((path, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|part| {
            let name = part.split('=').next().unwrap_or("").to_ascii_lowercase();
            !(part.is_empty() || name.starts_with("utm_") || name == "lt")
        })
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::page_key;

    #[test]
    fn campaign_token_and_fragment_are_not_the_page() {
        for (url, key) in [
            ("https://blog.example/a", "https://blog.example/a"),
            ("https://blog.example/a?", "https://blog.example/a"),
            ("https://blog.example/a#top", "https://blog.example/a"),
            (
                "https://blog.example/a?utm_source=whatsapp&utm_medium=social",
                "https://blog.example/a",
            ),
            (
                "https://blog.example/a?lt=cAbCdEfGhIj9&p=2#x?y",
                "https://blog.example/a?p=2",
            ),
            (
                "https://blog.example/a?p=2&&utm_x&alt=1",
                "https://blog.example/a?p=2&alt=1",
            ),
            (
                "https://blog.example/?s=utm_source",
                "https://blog.example/?s=utm_source",
            ),
        ] {
            assert_eq!(page_key(url), key, "{url}");
        }
    }
}
