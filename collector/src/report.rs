//! `GET /report` (SPEC §8): the stats as a page a marketer can read, in English or French,
//! rendered here as HTML with inline SVG charts: no script, no third-party request, the
//! numbers readable in any browser.

use crate::stats::{Row, Stats};
use std::collections::HashMap;
use std::fmt::Write;

/// The report's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    /// `?lang=fr`, else the first of `Accept-Language` we speak, else English.
    pub fn pick(query: Option<&str>, accept: Option<&str>) -> Lang {
        let fr = |tag: &str| tag.trim().to_ascii_lowercase().starts_with("fr");
        match query {
            Some(q) => {
                if fr(q) {
                    Lang::Fr
                } else {
                    Lang::En
                }
            }
            None => accept
                .and_then(|a| {
                    a.split(',')
                        .map(|t| t.split(';').next().unwrap_or(""))
                        .find(|t| fr(t) || t.trim().to_ascii_lowercase().starts_with("en"))
                })
                .map_or(Lang::En, |t| if fr(t) { Lang::Fr } else { Lang::En }),
        }
    }

    fn t(self, en: &'static str, fr: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Fr => fr,
        }
    }
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn number(lang: Lang, n: f64, digits: usize) -> String {
    let s = format!("{n:.digits$}");
    match lang {
        Lang::En => s,
        Lang::Fr => s.replace('.', ","),
    }
}

/// A horizontal bar chart: shares and click-backs per channel.
fn channel_chart(stats: &Stats, lang: Lang) -> String {
    let rows: Vec<_> = stats.channels.iter().take(12).collect();
    let max = rows
        .iter()
        .map(|c| c.shares.max(c.arrivals))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let (label_w, bar_w, row_h) = (130.0, 420.0, 34.0);
    let height = rows.len() as f64 * row_h + 30.0;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {} {height}" role="img" aria-label="{}">"#,
        label_w + bar_w + 60.0,
        lang.t(
            "Shares and click-backs per channel",
            "Partages et retours par canal"
        )
    );
    for (i, c) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let ws = c.shares as f64 / max * bar_w;
        let wa = c.arrivals as f64 / max * bar_w;
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="end" class="label">{}</text><rect x="{label_w}" y="{y}" width="{ws:.1}" height="13" fill="#3b5bdb"/><text x="{:.1}" y="{}" class="value">{}</text><rect x="{label_w}" y="{}" width="{wa:.1}" height="13" fill="#e8590c"/><text x="{:.1}" y="{}" class="value">{}</text>"##,
            label_w - 8.0,
            y + 18.0,
            esc(&c.channel),
            label_w + ws + 4.0,
            y + 11.0,
            c.shares,
            y + 15.0,
            label_w + wa + 4.0,
            y + 26.0,
            c.arrivals
        );
    }
    let legend_y = height - 8.0;
    let _ = write!(
        svg,
        r##"<rect x="{label_w}" y="{}" width="12" height="12" fill="#3b5bdb"/><text x="{}" y="{legend_y}" class="value">{}</text><rect x="{}" y="{}" width="12" height="12" fill="#e8590c"/><text x="{}" y="{legend_y}" class="value">{}</text></svg>"##,
        legend_y - 10.0,
        label_w + 16.0,
        lang.t("shares", "partages"),
        label_w + 120.0,
        legend_y - 10.0,
        label_w + 136.0,
        lang.t("click-backs", "retours")
    );
    svg
}

/// A line chart of shares (and click-backs) per day.
fn days_chart(stats: &Stats, lang: Lang) -> String {
    let days = &stats.days;
    let (w, h, pad) = (560.0, 180.0, 28.0);
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {}" role="img" aria-label="{}">"#,
        h + 24.0,
        lang.t("Shares over time", "Partages dans le temps")
    );
    let max = days.iter().map(|d| d.1.max(d.2)).max().unwrap_or(0).max(1) as f64;
    let x = |i: usize| {
        pad + if days.len() > 1 {
            i as f64 / (days.len() - 1) as f64 * (w - 2.0 * pad)
        } else {
            (w - 2.0 * pad) / 2.0
        }
    };
    let y = |v: u64| h - v as f64 / max * (h - pad);
    let _ = write!(
        svg,
        r##"<line x1="{pad}" y1="{h}" x2="{}" y2="{h}" stroke="#adb5bd"/>"##,
        w - pad
    );
    for (series, color) in [(1usize, "#3b5bdb"), (2, "#e8590c")] {
        let points: Vec<String> = days
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{:.1},{:.1}", x(i), y(if series == 1 { d.1 } else { d.2 })))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2.5"/>"#,
            points.join(" ")
        );
        for p in &points {
            let (px, py) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(svg, r#"<circle cx="{px}" cy="{py}" r="3" fill="{color}"/>"#);
        }
    }
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let _ = write!(
            svg,
            r#"<text x="{pad}" y="{}" class="value">{}</text><text x="{}" y="{}" text-anchor="end" class="value">{}</text>"#,
            h + 18.0,
            esc(&first.0),
            w - pad,
            h + 18.0,
            esc(&last.0)
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{}" y="{}" class="value">{}</text></svg>"#,
        pad,
        pad - 10.0,
        max as u64
    );
    svg
}

/// The share tree of one page: each share under the share whose token its sharer arrived
/// with, with its click-backs.
fn tree(rows: &[Row], page: &str, lang: Lang) -> String {
    let shares: Vec<&Row> = rows
        .iter()
        .filter(|r| r.url == page && (r.kind == "share" || r.kind == "copy"))
        .collect();
    let mut arrivals: HashMap<&str, u64> = HashMap::new();
    for r in rows.iter().filter(|r| r.kind == "arrival") {
        *arrivals.entry(r.token.as_str()).or_default() += 1;
    }
    let tokens: std::collections::HashSet<&str> = shares.iter().map(|s| s.token.as_str()).collect();
    let mut children: HashMap<Option<&str>, Vec<&Row>> = HashMap::new();
    for s in &shares {
        // A parent that is not a share of this page (an address-bar token) is a root.
        let parent = s.parent.as_deref().filter(|p| tokens.contains(p));
        children.entry(parent).or_default().push(s);
    }
    // `shown`: tokens already in the tree. Stored data is input: a token used by several
    // events, or a loop, must not make the tree grow without end.
    fn branch<'a>(
        out: &mut String,
        node: Option<&str>,
        children: &HashMap<Option<&str>, Vec<&'a Row>>,
        arrivals: &HashMap<&str, u64>,
        lang: Lang,
        shown: &mut std::collections::HashSet<&'a str>,
    ) {
        let Some(list) = children.get(&node) else {
            return;
        };
        out.push_str("<ul>");
        for s in list {
            if !shown.insert(s.token.as_str()) {
                continue;
            }
            let n = arrivals.get(s.token.as_str()).copied().unwrap_or(0);
            let _ = write!(
                out,
                r#"<li><span class="channel">{}</span> <code>{}</code> · {} {}"#,
                esc(&s.channel),
                esc(&s.token),
                n,
                if n == 1 {
                    lang.t("click-back", "retour")
                } else {
                    lang.t("click-backs", "retours")
                }
            );
            branch(out, Some(s.token.as_str()), children, arrivals, lang, shown);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    let mut out = String::new();
    if shares.is_empty() {
        out.push_str(lang.t(
            "<p>No share of this page in this period.</p>",
            "<p>Aucun partage de cette page sur la période.</p>",
        ));
    } else {
        branch(
            &mut out,
            None,
            &children,
            &arrivals,
            lang,
            &mut std::collections::HashSet::new(),
        );
    }
    out
}

/// The report page.
pub fn render(stats: &Stats, rows: &[Row], tree_page: Option<&str>, lang: Lang) -> String {
    let t = |en, fr| lang.t(en, fr);
    let virality = stats.virality.map_or("–".into(), |v| number(lang, v, 2));
    let mut html = format!(
        r#"<!doctype html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title><link rel="stylesheet" href="/report.css"><link rel="icon" href="data:,"></head><body><main>"#,
        t("en", "fr"),
        t(
            "lanterne · dark-social report",
            "lanterne · rapport des partages invisibles"
        )
    );
    let _ = write!(
        html,
        r#"<header><h1>{}</h1><p class="lead">{}</p><nav><a href="?lang=en">English</a> · <a href="?lang=fr">Français</a> · <a href="/api/stats">JSON</a></nav></header>"#,
        t("Dark-social report", "Rapport des partages invisibles"),
        t(
            "Shares made through messengers, e-mail and copy-paste, and the visits they brought back: what analytics tools file as “direct”.",
            "Les partages faits par messagerie, e-mail et copier-coller, et les visites qu’ils ont ramenées : ce que les outils d’analyse rangent en « accès direct »."
        )
    );
    let _ = write!(
        html,
        r#"<section class="headline"><div><strong>{}</strong><span>{}</span></div><div><strong>{}</strong><span>{}</span></div><div><strong>{}</strong><span>{}</span></div><div><strong>{}</strong><span>{}</span></div></section>"#,
        stats.shares,
        t("shares", "partages"),
        stats.arrivals,
        t("click-backs", "retours"),
        virality,
        t("click-backs per share", "retours par partage"),
        stats.dark_social.without_referrer,
        t(
            "click-backs seen as “direct”",
            "retours vus en « accès direct »"
        ),
    );
    if let Some(share) = stats.dark_social.share_of_direct {
        let _ = write!(
            html,
            r#"<p class="note">{} <strong>{} %</strong>.</p>"#,
            t(
                "Share of the site’s direct visits that were dark social:",
                "Part des accès directs du site venus de partages invisibles :"
            ),
            number(lang, share * 100.0, 1)
        );
    }
    let _ = write!(
        html,
        "<section><h2>{}</h2>{}</section>",
        t("Channels", "Canaux"),
        channel_chart(stats, lang)
    );
    let _ = write!(
        html,
        "<section><h2>{}</h2>{}</section>",
        t("Over time", "Dans le temps"),
        days_chart(stats, lang)
    );
    let copy = &stats.by_source["copy"];
    let bar = &stats.by_source["address_bar"];
    let buttons = &stats.by_source["buttons"];
    let _ = write!(
        html,
        r#"<section><h2>{}</h2><table><thead><tr><th></th><th>{}</th><th>{}</th></tr></thead><tbody><tr><th>{}</th><td>{}</td><td>{}</td></tr><tr><th>{}</th><td>–</td><td>{}</td></tr><tr><th>{}</th><td>{}</td><td>{}</td></tr></tbody></table></section>"#,
        t("How pages are shared", "Comment les pages sont partagées"),
        t("shares", "partages"),
        t("click-backs", "retours"),
        t("Copy-paste", "Copier-coller"),
        copy.shares,
        copy.arrivals,
        t("Address bar", "Barre d’adresse"),
        bar.arrivals,
        t("Share buttons", "Boutons de partage"),
        buttons.shares,
        buttons.arrivals
    );
    let _ = write!(
        html,
        r#"<section><h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>"#,
        t("Most shared pages", "Pages les plus partagées"),
        t("page", "page"),
        t("shares", "partages"),
        t("click-backs", "retours")
    );
    for p in &stats.top_pages {
        let _ = write!(
            html,
            r#"<tr><td class="url">{}</td><td>{}</td><td>{}</td><td><a href="?tree={}&amp;lang={}">{}</a></td></tr>"#,
            esc(&p.url),
            p.shares,
            p.arrivals,
            esc(&urlencode(&p.url)),
            t("en", "fr"),
            t("share tree", "arbre des partages")
        );
    }
    html.push_str("</tbody></table></section>");
    let depths: Vec<String> = stats
        .chains
        .depths
        .iter()
        .enumerate()
        .map(|(d, n)| match lang {
            Lang::En => format!("<li>depth {d}: {n} shares</li>"),
            Lang::Fr => format!("<li>profondeur {d} : {n} partages</li>"),
        })
        .collect();
    let _ = write!(
        html,
        r#"<section><h2>{}</h2><ul class="depths">{}</ul></section>"#,
        t("Share chains", "Chaînes de partage"),
        depths.join("")
    );
    if let Some(page) = tree_page {
        let _ = write!(
            html,
            r#"<section id="tree"><h2>{} <span class="url">{}</span></h2>{}</section>"#,
            t("Share tree of", "Arbre des partages de"),
            esc(page),
            tree(rows, page, lang)
        );
    }
    let _ = write!(
        html,
        r#"<footer>{}</footer></main></body></html>"#,
        t(
            "lanterne-collector · definitions: README “Stats”",
            "lanterne-collector · définitions : README « Stats »"
        )
    );
    html
}

/// Percent-encodes a query value.
fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The report's stylesheet (served at `/report.css`: the page needs no inline style).
pub const CSS: &str = r#"
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --card: #f6f8fa; --line: #d0d7de; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --card: #161b22; --line: #30363d; } }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { margin: 0 0 .25rem; font-size: 1.8rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .75rem; }
.lead, footer, nav { color: var(--muted); }
.headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .75rem; margin-top: 1.5rem; }
.headline div { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: .9rem 1rem; }
.headline strong { display: block; font-size: 1.9rem; line-height: 1.1; }
.headline span { color: var(--muted); font-size: .9rem; }
.chart { width: 100%; max-width: 40rem; height: auto; }
.chart .label { font-size: 13px; fill: var(--fg); }
.chart .value { font-size: 11px; fill: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
td:nth-child(n+2):not(:last-child) { text-align: right; font-variant-numeric: tabular-nums; }
.url { word-break: break-all; font-size: .9rem; }
#tree ul { list-style: none; padding-left: 1.25rem; border-left: 2px solid var(--line); }
#tree li { margin: .35rem 0; }
.channel { font-weight: 600; }
code { font-size: .85rem; color: var(--muted); }
a { color: #3b5bdb; }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{compute, tests::fixture, Filter};

    #[test]
    fn the_report_shows_the_numbers_in_both_languages() {
        let rows = fixture();
        let stats = compute(
            &rows,
            Filter {
                direct: Some(40),
                ..Filter::default()
            },
        );
        let en = render(&stats, &rows, Some("https://blog.example/a"), Lang::En);
        assert!(en.contains("<strong>5</strong><span>shares</span>"));
        assert!(en.contains("<strong>3</strong><span>click-backs</span>"));
        assert!(en.contains("<strong>0.60</strong>"));
        assert!(en.contains("<strong>5.0 %</strong>"));
        assert!(en.contains(r#"<li><span class="channel">whatsapp</span> <code>wAAAAAAAAAA1</code> · 1 click-back<ul><li><span class="channel">telegram</span>"#), "the tree nests the re-share under the share");
        assert!(!en.contains("<script"), "no script");
        let fr = render(&stats, &rows, None, Lang::Fr);
        assert!(
            fr.contains(r#"<html lang="fr">"#)
                && fr.contains("retours par partage")
                && fr.contains("<strong>0,60</strong>")
        );
        assert_eq!(Lang::pick(None, Some("fr-CA,fr;q=0.9,en;q=0.8")), Lang::Fr);
        assert_eq!(Lang::pick(Some("en"), Some("fr")), Lang::En);
        assert_eq!(Lang::pick(None, Some("de,en;q=0.5")), Lang::En);
    }

    #[test]
    fn a_token_shared_many_times_does_not_blow_up_the_tree() {
        let mut rows = fixture();
        for _ in 0..20 {
            let mut again = rows[2].clone(); // the Telegram share, again and again
            again.parent = Some("tAAAAAAAAAA2".into());
            rows.push(again);
        }
        let stats = compute(&rows, Filter::default());
        let html = render(&stats, &rows, Some("https://blog.example/a"), Lang::En);
        assert!(html.len() < 20_000, "{}", html.len());
    }

    #[test]
    fn page_text_is_escaped() {
        let mut rows = fixture();
        rows[0].url = "https://blog.example/<script>".into();
        let stats = compute(&rows, Filter::default());
        let html = render(
            &stats,
            &rows,
            Some("https://blog.example/<script>"),
            Lang::En,
        );
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
    }
}
