// Matomo's HTTP Tracking API, bulk form (POST matomo.php, {"requests": ["?idsite=…"]}):
// one Matomo event per lanterne event, category Share / Copy / Share arrival, action the
// channel, name the token. Field by field: README "Adapters". No visitor id is sent.
const CATEGORIES = { share: "Share", copy: "Copy", arrival: "Share arrival" };

export const adapter = (site) => ({
  batch: 100,
  // It does not dedupe on the event id: a beacon at page exit is sent once, not again.
  once: true,
  body: (events) =>
    JSON.stringify({
      requests: events.map((json) => {
        const event = JSON.parse(json);
        const query = new URLSearchParams({
          idsite: site,
          rec: "1",
          apiv: "1",
          send_image: "0",
          url: event.url,
          action_name: event.title,
          e_c: CATEGORIES[event.type],
          e_a: event.channel,
          e_n: event.token,
          rand: event.id.slice(0, 8),
        });
        if (event.referrer) query.set("urlref", event.referrer);
        // When it happened, for events sent late (an outage, the next page); Matomo
        // takes it without a token_auth for the last day only.
        if (Date.now() - event.ts < 23 * 3600 * 1000) query.set("cdt", String(Math.floor(event.ts / 1000)));
        return `?${query}`;
      }),
    }),
});
