//! Sourceless landings: how big dark social is, without the site's analytics.
//!
//! - a **sourceless landing** is a `landing` event: a page load on a deep page with no
//!   referrer and no lanterne token (the tracker decides which loads are landings);
//! - **sourceless visits** are sourceless landings plus click-backs without a referrer
//!   (arrivals whose `referrer` is null or empty);
//! - **explained** is click-backs without a referrer / sourceless visits (null for none);
//! - a **spike** is a day on which a page received at least [`SPIKE_MIN`] sourceless
//!   landings and at least [`SPIKE_FACTOR`] times its median daily sourceless landings
//!   over the [`SPIKE_WINDOW`] days before (days without any count as 0). Days are whole
//!   UTC days: a range that cuts a day still judges that day on all of it.
//!
//! The types and the spike rule; `reference::sourceless` computes them over events in
//! memory, `store::sql::sourceless` from the daily tables.

use super::{day, ratio, Filter, DAY_MS};
use serde::Serialize;
use std::collections::HashMap;

/// Fewest sourceless landings in a day for a spike.
pub const SPIKE_MIN: u64 = 10;
/// How many times the usual median a spike is, at least.
pub const SPIKE_FACTOR: f64 = 3.0;
/// Days before a day whose median is "usual".
pub const SPIKE_WINDOW: i64 = 28;
/// Most spikes listed (the earliest first).
pub const MAX_SPIKES: usize = 100;
/// Most pages in `sourceless_pages`.
pub const MAX_PAGES: usize = 10;

/// A page reached without a source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourcelessPage {
    /// The page key ([`crate::pages::page_key`]).
    pub page: String,
    /// Its sourceless landings.
    pub landings: u64,
    /// Its click-backs without a referrer.
    pub without_referrer: u64,
    /// `without_referrer / (landings + without_referrer)`.
    pub explained: Option<f64>,
}

/// A day a page received far more sourceless landings than usual.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spike {
    /// The page key ([`crate::pages::page_key`]).
    pub page: String,
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Its sourceless landings that day.
    pub landings: u64,
    /// The page's median daily sourceless landings over the 28 days before.
    pub median: f64,
}

/// What `dark_social` gains from landings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sourceless {
    /// Sourceless landings in the range.
    pub landings: u64,
    /// The pages most reached without a source (at most [`MAX_PAGES`], most sourceless
    /// visits first).
    pub pages: Vec<SourcelessPage>,
    /// The spikes in the range, the earliest first (at most [`MAX_SPIKES`]).
    pub spikes: Vec<Spike>,
    /// Sourceless landings per day (UTC) with any, oldest first.
    pub by_day: Vec<(String, u64)>,
}

/// The median of `values` (the mean of the middle two for an even count).
fn median(values: &mut [u64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_unstable();
    let m = values.len() / 2;
    if values.len() % 2 == 1 {
        values[m] as f64
    } else {
        (values[m - 1] + values[m]) as f64 / 2.0
    }
}

/// The spikes among `candidates` (page, day number, landings), given each page's
/// landings on a day.
pub fn spikes(
    mut candidates: Vec<(String, i64, u64)>,
    landings_on: impl Fn(&str, i64) -> u64,
) -> Vec<Spike> {
    candidates.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let mut out = Vec::new();
    for (page, d, n) in candidates {
        if n < SPIKE_MIN {
            continue;
        }
        let mut before: Vec<u64> = (1..=SPIKE_WINDOW)
            .map(|k| landings_on(&page, d - k))
            .collect();
        let median = median(&mut before);
        if n as f64 >= SPIKE_FACTOR * median {
            out.push(Spike {
                day: day(d * DAY_MS),
                page,
                landings: n,
                median,
            });
            if out.len() == MAX_SPIKES {
                break;
            }
        }
    }
    out
}

/// The days a filter's range touches (whole UTC days).
pub fn range_days(filter: &Filter) -> (i64, i64) {
    (
        filter
            .from
            .map_or(i64::MIN / DAY_MS + SPIKE_WINDOW + 1, |f| {
                f.div_euclid(DAY_MS)
            }),
        filter
            .to
            .map_or(i64::MAX / DAY_MS - 1, |t| t.div_euclid(DAY_MS)),
    )
}

/// The pages most reached without a source, from each page's `(landings, click-backs
/// without a referrer)`: at most [`MAX_PAGES`], most sourceless visits first, then most
/// landings, then by page.
pub fn top_pages(pages: HashMap<String, (u64, u64)>) -> Vec<SourcelessPage> {
    let mut pages: Vec<SourcelessPage> = pages
        .into_iter()
        .filter(|(_, (l, w))| l + w > 0)
        .map(|(page, (l, w))| SourcelessPage {
            page,
            landings: l,
            without_referrer: w,
            explained: ratio(w, l + w),
        })
        .collect();
    pages.sort_by(|a, b| {
        (b.landings + b.without_referrer, b.landings, &a.page).cmp(&(
            a.landings + a.without_referrer,
            a.landings,
            &b.page,
        ))
    });
    pages.truncate(MAX_PAGES);
    pages
}
