//! Where events go (config `format`, docs/analytics.md#adapters): lanterne's own JSON, an
//! analytics tool's API, or something in the page.

/// An event format: the request body (or the call in the page) a batch of events becomes.
///
/// ```
/// use lanterne::core::format::Format;
/// assert_eq!(Format::parse("posthog"), Some(Format::Posthog));
/// assert_eq!(Format::Posthog.id(), "posthog");
/// assert!(Format::Ga4.in_page() && !Format::Plausible.in_page());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// lanterne's JSON array of events (docs/events.md#events), to `endpoint`.
    Lanterne,
    /// Plausible's Events API, one event per request.
    Plausible,
    /// Umami's collect API, one event per request.
    Umami,
    /// PostHog's batch capture API.
    Posthog,
    /// Matomo's bulk Tracking API.
    Matomo,
    /// Google Analytics 4 through the page's `gtag` or `dataLayer`: nothing on the network.
    Ga4,
    /// A function of the site's: nothing on the network.
    Callback,
}

impl Format {
    /// Every format, in the order the options table (docs/options.md#options) and error
    /// messages list them.
    pub const ALL: [Format; 7] = [
        Format::Lanterne,
        Format::Plausible,
        Format::Umami,
        Format::Posthog,
        Format::Matomo,
        Format::Ga4,
        Format::Callback,
    ];

    /// The config value naming this format.
    pub fn id(self) -> &'static str {
        match self {
            Format::Lanterne => "lanterne",
            Format::Plausible => "plausible",
            Format::Umami => "umami",
            Format::Posthog => "posthog",
            Format::Matomo => "matomo",
            Format::Ga4 => "ga4",
            Format::Callback => "callback",
        }
    }

    /// The format a config value names, if any.
    pub fn parse(id: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.id() == id)
    }

    /// Whether events stay in the page (no `endpoint`, no request, no beacon).
    pub fn in_page(self) -> bool {
        matches!(self, Format::Ga4 | Format::Callback)
    }

    /// Whether the format needs the site's id in the tool (config `site`).
    pub fn needs_site(self) -> bool {
        matches!(
            self,
            Format::Plausible | Format::Umami | Format::Posthog | Format::Matomo
        )
    }

    /// Whether the receiver dedupes on the event id. Where it does not, an event a beacon
    /// took at page exit is taken as sent rather than sent again by the next page.
    pub fn dedupes(self) -> bool {
        matches!(self, Format::Lanterne | Format::Posthog)
    }

    /// The most events in one request (or one call).
    pub fn batch(self) -> usize {
        match self {
            Format::Lanterne | Format::Callback => 500,
            Format::Plausible | Format::Umami => 1,
            Format::Posthog | Format::Matomo | Format::Ga4 => 100,
        }
    }
}
