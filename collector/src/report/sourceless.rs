//! The report's sourceless part (issue 20): the sentence sizing dark social, the pages
//! most reached without a source, and the over-time chart with sourceless landings and
//! spike days. SVG drawn with presentation attributes only (no inline style or script:
//! the report's CSP).

use super::{esc, page_link, Lang};
use crate::stats::Stats;
use std::fmt::Write;

/// An integer with the language's thousands separator (`1,240`; `1 240`).
pub fn integer(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::En => ',',
        Lang::Fr => ' ',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// `part / whole` as a rounded integer percent (halves up), without floats.
pub fn percent(part: u64, whole: u64) -> u64 {
    if whole == 0 {
        return 0;
    }
    let (p, w) = (u128::from(part), u128::from(whole));
    ((p * 200 + w) / (2 * w)) as u64
}

/// The sentence: how many visits arrived without a source, and the part lanterne's
/// tokens explained.
pub fn sentence(stats: &Stats, lang: Lang) -> String {
    let d = &stats.dark_social;
    let (visits, explained) = (d.sourceless_visits, d.without_referrer);
    if visits == 0 {
        return lang
            .t(
                "No visit arrived without a source in this period.",
                "Aucune visite n’est arrivée sans source sur cette période.",
            )
            .into();
    }
    let (n, p) = (integer(lang, visits), percent(explained, visits));
    match lang {
        Lang::En => format!(
            "Of {n} visits that arrived without a source, {p} % came through a share lanterne tracked."
        ),
        Lang::Fr => format!(
            "Sur {n} visites arrivées sans source, {p} % venaient d’un partage suivi par lanterne."
        ),
    }
}

/// The section: the sentence, then the pages most reached without a source.
pub fn section(stats: &Stats, lang: Lang) -> String {
    let t = |en, fr| lang.t(en, fr);
    let d = &stats.dark_social;
    let mut html = format!(
        r#"<section class="sourceless"><h2>{}</h2><p class="sentence">{}</p>"#,
        t("Visits without a source", "Visites sans source"),
        esc(&sentence(stats, lang))
    );
    if !d.sourceless_pages.is_empty() {
        let _ = write!(
            html,
            r#"<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
            t(
                "pages most reached without a source",
                "pages les plus atteintes sans source"
            ),
            t("sourceless landings", "arrivées sans source"),
            t("click-backs without referrer", "retours sans référent"),
            t("explained by lanterne", "expliquées par lanterne"),
        );
        for p in &d.sourceless_pages {
            let _ = write!(
                html,
                r#"<tr><td class="url">{}</td><td>{}</td><td>{}</td><td>{} %</td></tr>"#,
                page_link(&p.page),
                integer(lang, p.landings),
                integer(lang, p.without_referrer),
                percent(p.without_referrer, p.landings + p.without_referrer)
            );
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</section>");
    html
}

const SHARES: &str = "#3b5bdb";
const CLICKS: &str = "#e8590c";
const LANDINGS: &str = "#2b8a3e";
const SPIKE: &str = "#c92a2a";

/// A line chart per day: shares, click-backs and sourceless landings; spike days marked
/// with a dashed line; a legend; the definition of a spike under it.
pub fn days_chart(stats: &Stats, lang: Lang) -> String {
    let t = |en, fr| lang.t(en, fr);
    // Every day with shares, click-backs or landings, oldest first.
    let mut days: std::collections::BTreeMap<&str, [u64; 3]> = Default::default();
    for (day, s, a) in &stats.days {
        let e = days.entry(day).or_default();
        e[0] = *s;
        e[1] = *a;
    }
    for (day, n) in &stats.dark_social.landings_by_day {
        days.entry(day).or_default()[2] = *n;
    }
    let days: Vec<(&str, [u64; 3])> = days.into_iter().collect();
    let (w, h, pad) = (560.0, 180.0, 28.0);
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {}" role="img" aria-label="{}">"#,
        h + 44.0,
        t(
            "Shares, click-backs and sourceless landings over time",
            "Partages, retours et arrivées sans source dans le temps"
        )
    );
    let max = days.iter().flat_map(|d| d.1).max().unwrap_or(0).max(1) as f64;
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
    // Spike days: a dashed line across the chart, under the series.
    for (i, (day, _)) in days.iter().enumerate() {
        if stats.dark_social.spikes.iter().any(|s| s.day == *day) {
            let _ = write!(
                svg,
                r#"<line class="spike" x1="{0:.1}" y1="{pad}" x2="{0:.1}" y2="{h}" stroke="{SPIKE}" stroke-dasharray="4 3"><title>{1} {2}</title></line>"#,
                x(i),
                t(
                    "spike of sourceless landings:",
                    "pic d’arrivées sans source :"
                ),
                esc(day)
            );
        }
    }
    for (series, color) in [(0usize, SHARES), (1, CLICKS), (2, LANDINGS)] {
        let points: Vec<String> = days
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{:.1},{:.1}", x(i), y(d.1[series])))
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
            esc(first.0),
            w - pad,
            h + 18.0,
            esc(last.0)
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{}" y="{}" class="value">{}</text>"#,
        pad,
        pad - 10.0,
        max as u64
    );
    let legend_y = h + 38.0;
    let mut lx = pad;
    for (label, color) in [
        (t("shares", "partages"), SHARES),
        (t("click-backs", "retours"), CLICKS),
        (t("sourceless landings", "arrivées sans source"), LANDINGS),
        (t("spike", "pic"), SPIKE),
    ] {
        let _ = write!(
            svg,
            r#"<rect x="{lx}" y="{}" width="12" height="12" fill="{color}"/><text x="{}" y="{legend_y}" class="value">{label}</text>"#,
            legend_y - 10.0,
            lx + 16.0,
        );
        lx += 30.0 + label.chars().count() as f64 * 6.5;
    }
    svg.push_str("</svg>");
    let _ = write!(
        svg,
        r#"<p class="note spike-definition">{}</p>"#,
        t(
            "A spike: a day on which a page received at least 10 sourceless landings and at least 3 times its median daily sourceless landings over the 28 days before.",
            "Un pic : un jour où une page a reçu au moins 10 arrivées sans source et au moins 3 fois sa médiane quotidienne d’arrivées sans source sur les 28 jours précédents."
        )
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_per_language() {
        assert_eq!(integer(Lang::En, 1240), "1,240");
        assert_eq!(integer(Lang::Fr, 1240), "1 240");
        assert_eq!(integer(Lang::En, 999), "999");
        assert_eq!(integer(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(integer(Lang::Fr, 0), "0");
        assert_eq!(percent(384, 1240), 31);
        assert_eq!(percent(1, 2), 50);
        assert_eq!(percent(1, 200), 1, "0.5 rounds up");
        assert_eq!(percent(1, 201), 0);
        assert_eq!(percent(0, 0), 0);
    }
}
