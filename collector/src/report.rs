//! `GET /report` (docs/stats.md#report): the stats as a page a marketer can read, in
//! English or French, rendered here as HTML with inline SVG charts: no script, no
//! third-party request, the numbers readable in any browser. A plain GET form chooses the
//! period (the last 7, 30 or 90 days, all time, or dates), the site and the page; the
//! previous period of the same length is shown beside the current one; export links give
//! exactly the events shown. Every number comes from SQL (`queries.rs`), so the page
//! costs the same at any number of events.

use crate::stats::{Filter, Stats};
use crate::store::error::StoreError;
use crate::store::reader::{Totals, TreeNode};
use crate::store::Store;
use std::collections::HashMap;
use std::fmt::Write;

mod sourceless;

/// The report's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English, the default.
    En,
    /// French.
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

/// Escapes text for HTML, attribute values included (the report's and the login page's).
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A page's URL as a link that gives the page nothing: no `window.opener`, no referrer
/// (the report's address and filter), no endorsement for search engines. Only `http(s)`
/// URLs are links (the schema allows no other); anything else is text.
pub(crate) fn page_link(url: &str) -> String {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        format!(
            r#"<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>"#,
            esc(url)
        )
    } else {
        esc(url)
    }
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

/// The period a report shows, as chosen in its form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Period {
    /// The last so many UTC days, today included.
    Days(i64),
    /// Every stored event.
    All,
    /// `from` and `to` as given.
    Custom,
}

/// What a report request asks for.
#[derive(Clone, Debug)]
pub struct View {
    /// Which events: the period's range, the site, the page.
    pub filter: Filter,
    /// The period as chosen (the form shows it again).
    pub period: Period,
    /// The page whose share tree is shown.
    pub tree: Option<String>,
    /// The collector's host, as the browser reached it (for the install snippet).
    pub host: Option<String>,
    /// Whether the reader came with a session (the report then offers to sign out).
    pub signed_in: bool,
}

impl View {
    /// The view of a request whose query gave `filter` (`http::parse_filter`).
    pub fn new(query: &HashMap<String, String>, filter: Filter, host: Option<&str>) -> View {
        let given = |key: &str| query.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
        let period = match given("range") {
            Some("all") => Period::All,
            Some(n) => n.parse().map_or(Period::Custom, Period::Days),
            None if filter.from.is_some() || filter.to.is_some() => Period::Custom,
            None => Period::All,
        };
        View {
            filter,
            period,
            tree: given("tree").map(crate::pages::page_key),
            host: host.map(str::to_owned),
            signed_in: false,
        }
    }

    /// The period of the same length just before this one, when it has both ends.
    pub fn previous(&self) -> Option<Filter> {
        let (from, to) = (self.filter.from?, self.filter.to?);
        let len = to.checked_sub(from)?.checked_add(1)?;
        Some(Filter {
            from: Some(from.checked_sub(len)?),
            to: Some(from - 1),
            direct: None,
            ..self.filter.clone()
        })
    }

    /// The query of this view (the filter as explicit times), with `extra` pairs.
    fn query(&self, lang: Lang, extra: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        match self.period {
            Period::Days(n) => pairs.push(("range".into(), n.to_string())),
            Period::All => {}
            Period::Custom => {
                if let Some(from) = self.filter.from {
                    pairs.push(("from".into(), from.to_string()));
                }
                if let Some(to) = self.filter.to {
                    pairs.push(("to".into(), to.to_string()));
                }
            }
        }
        if let Some(site) = &self.filter.site {
            pairs.push(("site".into(), site.clone()));
        }
        if let Some(page) = &self.filter.page {
            pairs.push(("page".into(), page.clone()));
        }
        if let Some(direct) = self.filter.direct {
            pairs.push(("direct".into(), direct.to_string()));
        }
        pairs.push(("lang".into(), lang.t("en", "fr").into()));
        for (k, v) in extra {
            pairs.push(((*k).into(), (*v).into()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The filter as an export or API query: exactly the events shown.
    fn data_query(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(from) = self.filter.from {
            pairs.push(format!("from={from}"));
        }
        if let Some(to) = self.filter.to {
            pairs.push(format!("to={to}"));
        }
        if let Some(site) = &self.filter.site {
            pairs.push(format!("site={}", urlencode(site)));
        }
        if let Some(page) = &self.filter.page {
            pairs.push(format!("page={}", urlencode(page)));
        }
        pairs.join("&")
    }
}

/// Everything a report shows.
#[derive(Debug)]
pub struct Data {
    /// The stats of the view's filter, as `/api/stats` answers them.
    pub stats: Stats,
    /// The previous period's headline numbers.
    pub previous: Option<Totals>,
    /// The share tree asked for, and whether it was cut.
    pub tree: Option<(Vec<TreeNode>, bool)>,
    /// Whether the database holds any event at all (else: how to install).
    pub any_events: bool,
}

/// Reads what the report of `view` shows, from one snapshot of the database.
pub fn data(store: &Store, view: &View) -> Result<Data, StoreError> {
    store.read(|reader| {
        let stats = reader.stats(&view.filter)?;
        let previous = match view.previous() {
            Some(filter) => Some(reader.totals(&filter)?),
            None => None,
        };
        let tree = match &view.tree {
            Some(page) => Some(reader.tree(&view.filter, page)?),
            None => None,
        };
        let any_events = stats.shares + stats.arrivals > 0 || reader.any_events()?;
        Ok(Data {
            stats,
            previous,
            tree,
            any_events,
        })
    })
}

/// The report page of `view`.
pub fn page(store: &Store, view: &View, lang: Lang) -> Result<String, StoreError> {
    Ok(render(&data(store, view)?, view, lang))
}

/// The share tree of one page: each share under the share whose token its sharer arrived
/// with, with its click-backs (`nodes` in stored order, from `queries::tree`).
fn tree(nodes: &[TreeNode], more: bool, lang: Lang) -> String {
    let tokens: std::collections::HashSet<&str> = nodes.iter().map(|n| n.token.as_str()).collect();
    let mut children: HashMap<Option<&str>, Vec<&TreeNode>> = HashMap::new();
    for n in nodes {
        // A parent that is not a share of this page (an address-bar token) is a root.
        let parent = n.parent.as_deref().filter(|p| tokens.contains(p));
        children.entry(parent).or_default().push(n);
    }
    // `shown`: tokens already in the tree. Stored data is input: a token used by several
    // events, or a loop, must not make the tree grow without end.
    fn branch<'a>(
        out: &mut String,
        node: Option<&str>,
        children: &HashMap<Option<&str>, Vec<&'a TreeNode>>,
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
            let _ = write!(
                out,
                r#"<li><span class="channel">{}</span> <code>{}</code> · {} {}"#,
                esc(&s.channel),
                esc(&s.token),
                s.arrivals,
                if s.arrivals == 1 {
                    lang.t("click-back", "retour")
                } else {
                    lang.t("click-backs", "retours")
                }
            );
            branch(out, Some(s.token.as_str()), children, lang, shown);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    let mut out = String::new();
    if nodes.is_empty() {
        out.push_str(lang.t(
            "<p>No share of this page in this period.</p>",
            "<p>Aucun partage de cette page sur la période.</p>",
        ));
    } else {
        branch(
            &mut out,
            None,
            &children,
            lang,
            &mut std::collections::HashSet::new(),
        );
        if more {
            let _ = write!(
                out,
                r#"<p class="note">{}</p>"#,
                match lang {
                    Lang::En => format!("The first {} shares of this page are shown: choose a shorter period to see the others.", nodes.len()),
                    Lang::Fr => format!("Les {} premiers partages de cette page sont affichés : choisissez une période plus courte pour voir les autres.", nodes.len()),
                }
            );
        }
    }
    out
}

/// A day (UTC) as `YYYY-MM-DD`.
fn date(ts: i64) -> String {
    crate::stats::day(ts)
}

/// A change from `before` to `now`, as "+25 %", "−10 %", "=" or "new".
fn delta(lang: Lang, now: f64, before: f64) -> String {
    if before == 0.0 {
        return if now == 0.0 {
            "=".into()
        } else {
            lang.t("new", "nouveau").into()
        };
    }
    let pct = (now - before) / before * 100.0;
    if pct.abs() < 0.05 {
        return "=".into();
    }
    let sign = if pct > 0.0 { "+" } else { "−" };
    format!(
        "{sign}{} %",
        number(lang, pct.abs(), if pct.abs() < 10.0 { 1 } else { 0 })
    )
}

/// The form choosing the period, site and page: a plain GET form, no script.
fn form(data: &Data, view: &View, lang: Lang) -> String {
    let t = |en, fr| lang.t(en, fr);
    let mut html = String::from(r#"<form class="filters" method="get" action="/report">"#);
    let _ = write!(
        html,
        r#"<label>{}<select name="range">"#,
        t("Period", "Période")
    );
    let options: [(String, &str, &str); 5] = [
        ("7".into(), "Last 7 days", "7 derniers jours"),
        ("30".into(), "Last 30 days", "30 derniers jours"),
        ("90".into(), "Last 90 days", "90 derniers jours"),
        ("all".into(), "All time", "Depuis le début"),
        ("custom".into(), "From–to dates", "Dates de début et de fin"),
    ];
    let current = match view.period {
        Period::Days(n) => n.to_string(),
        Period::All => "all".into(),
        Period::Custom => "custom".into(),
    };
    let mut found = false;
    for (value, en, fr) in &options {
        let selected = *value == current;
        found |= selected;
        let _ = write!(
            html,
            r#"<option value="{value}"{}>{}</option>"#,
            if selected { " selected" } else { "" },
            t(en, fr)
        );
    }
    if !found {
        if let Period::Days(n) = view.period {
            let _ = write!(
                html,
                r#"<option value="{n}" selected>{}</option>"#,
                match lang {
                    Lang::En => format!("Last {n} days"),
                    Lang::Fr => format!("{n} derniers jours"),
                }
            );
        }
    }
    html.push_str("</select></label>");
    let day_value = |ts: Option<i64>| ts.map(date).unwrap_or_default();
    let _ = write!(
        html,
        r#"<label>{}<input type="date" name="from" value="{}"></label><label>{}<input type="date" name="to" value="{}"></label>"#,
        t("From", "Du"),
        day_value(view.filter.from),
        t("To", "Au"),
        day_value(view.filter.to),
    );
    let _ = write!(
        html,
        r#"<label>{}<select name="site"><option value="">{}</option>"#,
        t("Site", "Site"),
        t("All sites", "Tous les sites")
    );
    for site in &data.stats.sites {
        let _ = write!(
            html,
            r#"<option value="{0}"{1}>{0}</option>"#,
            esc(site),
            if view.filter.site.as_deref() == Some(site) {
                " selected"
            } else {
                ""
            }
        );
    }
    if let Some(site) = view
        .filter
        .site
        .as_ref()
        .filter(|s| !data.stats.sites.contains(s))
    {
        let _ = write!(
            html,
            r#"<option value="{0}" selected>{0}</option>"#,
            esc(site)
        );
    }
    html.push_str("</select></label>");
    let _ = write!(
        html,
        r#"<label class="page">{}<input type="url" name="page" list="pages" placeholder="https://…" value="{}"></label><datalist id="pages">"#,
        t("Page (all if empty)", "Page (toutes si vide)"),
        esc(view.filter.page.as_deref().unwrap_or(""))
    );
    for p in &data.stats.top_pages {
        let _ = write!(html, r#"<option value="{}"></option>"#, esc(&p.url));
    }
    html.push_str("</datalist>");
    if let Some(direct) = view.filter.direct {
        let _ = write!(
            html,
            r#"<input type="hidden" name="direct" value="{direct}">"#
        );
    }
    let _ = write!(
        html,
        r#"<input type="hidden" name="lang" value="{}"><button type="submit">{}</button></form>"#,
        t("en", "fr"),
        t("Show", "Afficher")
    );
    html
}

/// What the view shows, in words, with the export links.
fn scope(view: &View, lang: Lang) -> String {
    let t = |en, fr| lang.t(en, fr);
    let period = match (view.filter.from, view.filter.to) {
        (None, None) => t("All time", "Depuis le début").to_owned(),
        (Some(f), Some(to)) => format!("{} – {}", date(f), date(to)),
        (Some(f), None) => format!("{} {}", t("Since", "Depuis le"), date(f)),
        (None, Some(to)) => format!("{} {}", t("Until", "Jusqu’au"), date(to)),
    };
    let mut parts = vec![esc(&period)];
    parts.push(match &view.filter.site {
        Some(site) => esc(site),
        None => t("all sites", "tous les sites").into(),
    });
    if let Some(page) = &view.filter.page {
        parts.push(format!(r#"<span class="url">{}</span>"#, esc(page)));
    }
    let q = view.data_query();
    let sep = if q.is_empty() { "" } else { "&amp;" };
    let q = esc(&q);
    format!(
        r#"<p class="scope">{} · {}: <a href="/api/export?format=csv{sep}{q}">CSV</a> · <a href="/api/export?format=json{sep}{q}">JSON</a> · <a href="/api/stats?{q}">{}</a></p>"#,
        parts.join(" · "),
        t("these events", "ces événements"),
        t("stats as JSON", "stats en JSON"),
    )
}

/// What to do when there is nothing to show.
fn empty(data: &Data, view: &View, lang: Lang) -> String {
    let t = |en, fr| lang.t(en, fr);
    if data.any_events {
        let all = View {
            period: Period::All,
            filter: Filter {
                from: None,
                to: None,
                ..view.filter.clone()
            },
            ..view.clone()
        };
        let everything = View {
            period: Period::All,
            filter: Filter {
                direct: view.filter.direct,
                ..Filter::default()
            },
            ..view.clone()
        };
        return format!(
            r#"<section class="empty"><h2>{}</h2><p>{}</p><p><a href="?{}">{}</a> · <a href="?{}">{}</a></p></section>"#,
            t("Nothing in this period", "Rien sur cette période"),
            t(
                "No share and no click-back matches this period, site and page. Events are stored: choose a longer period, or another site or page.",
                "Aucun partage ni retour pour cette période, ce site et cette page. Des événements sont enregistrés : choisissez une période plus longue, ou un autre site ou une autre page."
            ),
            esc(&all.query(lang, &[])),
            t("All time, same site and page", "Depuis le début, même site et même page"),
            esc(&everything.query(lang, &[])),
            t("Everything", "Tout"),
        );
    }
    let host = view.host.as_deref().unwrap_or("127.0.0.1:8080");
    let scheme =
        if host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]") {
            "http"
        } else {
            "https"
        };
    let endpoint = format!("{scheme}://{host}/collect");
    format!(
        r#"<section class="empty"><h2>{}</h2><p>{}</p><pre><code>{}</code></pre><p>{}</p><pre><code>{}</code></pre><p>{}</p><p>{}</p></section>"#,
        t("No events yet", "Aucun événement pour l’instant"),
        t(
            "1. Put lanterne on your pages: copy the files of its package to /lanterne/ on your site and add this tag to every page,",
            "1. Ajoutez lanterne à vos pages : copiez les fichiers de son paquet dans /lanterne/ sur votre site et ajoutez cette balise à chaque page,"
        ),
        esc(&format!(
            r#"<script type="module" src="/lanterne/lanterne.js" data-endpoint="{endpoint}"></script>"#
        )),
        t("or, in an app built with npm:", "ou, dans une application construite avec npm :"),
        esc(&format!(
            r#"import {{ start }} from "lanterne";
await start({{ endpoint: "{endpoint}" }});"#
        )),
        t(
            "2. Start it with --origin https://your.site if your site is not served by this collector, --site your.site if it is (one per site): it stores events of its sites only.",
            "2. Lancez-le avec --origin https://votre.site si votre site n’est pas servi par ce collecteur, --site votre.site s’il l’est (un par site) : il ne garde que les événements de ses sites."
        ),
        t(
            "3. Copy a paragraph with a link, or share a page, and open the link it gives in a private window: the share and the click-back appear here, and as they arrive at /api/events.",
            "3. Copiez un paragraphe contenant un lien, ou partagez une page, et ouvrez le lien obtenu dans une fenêtre privée : le partage et le retour apparaissent ici, et dès leur arrivée dans /api/events."
        ),
    )
}

/// The report page.
pub fn render(data: &Data, view: &View, lang: Lang) -> String {
    let stats = &data.stats;
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
        r#"<header><h1>{}</h1><p class="lead">{}</p><nav><a href="?{}">English</a> · <a href="?{}">Français</a> · <a href="/api/stats?{}">JSON</a>{}</nav></header>"#,
        t("Dark-social report", "Rapport des partages invisibles"),
        t(
            "Shares made through messengers, e-mail and copy-paste, and the visits they brought back: what analytics tools file as “direct”.",
            "Les partages faits par messagerie, e-mail et copier-coller, et les visites qu’ils ont ramenées : ce que les outils d’analyse rangent en « accès direct »."
        ),
        esc(&view.query(Lang::En, &[])),
        esc(&view.query(Lang::Fr, &[])),
        esc(&view.data_query()),
        if view.signed_in {
            // A form, not a link: signing out changes state (POST), and works without script.
            format!(
                r#" · <form class="signout" method="post" action="/logout"><button type="submit">{}</button></form>"#,
                t("Sign out", "Se déconnecter")
            )
        } else {
            String::new()
        },
    );
    html.push_str(&form(data, view, lang));
    html.push_str(&scope(view, lang));
    if stats.shares + stats.arrivals + stats.dark_social.sourceless_landings == 0 {
        html.push_str(&empty(data, view, lang));
        let _ = write!(
            html,
            r#"<footer>{}</footer></main></body></html>"#,
            t(
                "lanterne-collector · definitions: docs/stats.md#stats",
                "lanterne-collector · définitions : docs/stats.md#stats"
            )
        );
        return html;
    }
    let previous = |now: f64, before: Option<f64>, digits: usize| match before {
        None => String::new(),
        Some(before) => format!(
            r#"<small class="prev">{} {} · {}</small>"#,
            t("previous period:", "période précédente :"),
            number(lang, before, digits),
            delta(lang, now, before)
        ),
    };
    let p = data.previous;
    let _ = write!(
        html,
        r#"<section class="headline"><div><strong>{}</strong><span>{}</span>{}</div><div><strong>{}</strong><span>{}</span>{}</div><div><strong>{}</strong><span>{}</span>{}</div><div><strong>{}</strong><span>{}</span>{}</div></section>"#,
        stats.shares,
        t("shares", "partages"),
        previous(stats.shares as f64, p.map(|p| p.shares as f64), 0),
        stats.arrivals,
        t("click-backs", "retours"),
        previous(stats.arrivals as f64, p.map(|p| p.arrivals as f64), 0),
        virality,
        t("click-backs per share", "retours par partage"),
        match (stats.virality, p.filter(|p| p.shares > 0)) {
            (Some(v), Some(p)) => previous(
                v,
                Some((p.arrivals as f64 / p.shares as f64 * 100.0).round() / 100.0),
                2
            ),
            _ => String::new(),
        },
        stats.dark_social.without_referrer,
        t(
            "click-backs seen as “direct”",
            "retours vus en « accès direct »"
        ),
        previous(
            stats.dark_social.without_referrer as f64,
            p.map(|p| p.without_referrer as f64),
            0
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
    html.push_str(&sourceless::section(stats, lang));
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
        sourceless::days_chart(stats, lang)
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
        let only = View {
            filter: Filter {
                page: Some(p.url.clone()),
                ..view.filter.clone()
            },
            ..view.clone()
        };
        let _ = write!(
            html,
            r##"<tr><td class="url">{}</td><td>{}</td><td>{}</td><td><a href="?{}">{}</a> · <a href="?{}#tree">{}</a></td></tr>"##,
            page_link(&p.url),
            p.shares,
            p.arrivals,
            esc(&only.query(lang, &[])),
            t("this page only", "cette page seule"),
            esc(&view.query(lang, &[("tree", &p.url)])),
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
        .take(50)
        .collect();
    let _ = write!(
        html,
        r#"<section><h2>{}</h2><ul class="depths">{}</ul>"#,
        t("Share chains", "Chaînes de partage"),
        depths.join("")
    );
    if !stats.chains.longest.is_empty() {
        let _ = write!(
            html,
            r#"<h3>{}</h3><ol class="longest">"#,
            t("The longest", "Les plus longues")
        );
        for chain in &stats.chains.longest {
            let shown: Vec<String> = if chain.tokens.len() > 12 {
                let mut v: Vec<String> = chain.tokens[..6].iter().map(|t| esc(t)).collect();
                v.push("…".into());
                v.extend(
                    chain.tokens[chain.tokens.len() - 5..]
                        .iter()
                        .map(|t| esc(t)),
                );
                v
            } else {
                chain.tokens.iter().map(|t| esc(t)).collect()
            };
            let _ = write!(
                html,
                r#"<li>{} {} · <span class="url">{}</span><br><code>{}</code></li>"#,
                t("depth", "profondeur"),
                chain.depth,
                page_link(&chain.url),
                shown.join(" → ")
            );
        }
        html.push_str("</ol>");
    }
    html.push_str("</section>");
    if let (Some(page), Some((nodes, more))) = (&view.tree, &data.tree) {
        let _ = write!(
            html,
            r#"<section id="tree"><h2>{} <span class="url">{}</span></h2>{}</section>"#,
            t("Share tree of", "Arbre des partages de"),
            page_link(page),
            tree(nodes, *more, lang)
        );
    }
    let _ = write!(
        html,
        r#"<footer>{}</footer></main></body></html>"#,
        t(
            "lanterne-collector · definitions: docs/stats.md#stats",
            "lanterne-collector · définitions : docs/stats.md#stats"
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
pub const CSS: &str = include_str!("report/report.css");

#[cfg(test)]
mod tests;
