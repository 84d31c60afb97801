// Umami's collect API (POST /api/send, one event per request): a custom event per share,
// copy and arrival, with the channel and token in its data. Field by field: README
// "Adapters". No screen size is sent: lanterne identifies nobody.
export const adapter = (site) => ({
  batch: 1,
  // It does not dedupe on the event id: a beacon at page exit is sent once, not again.
  once: true,
  body: ([json]) => {
    const event = JSON.parse(json);
    const url = new URL(event.url);
    const data = { channel: event.channel, token: event.token };
    if (event.parent) data.parent = event.parent;
    if (event.chars !== undefined) data.chars = event.chars;
    return JSON.stringify({
      type: "event",
      payload: {
        website: site,
        hostname: url.hostname,
        language: navigator.language,
        url: url.pathname + url.search,
        title: event.title,
        referrer: event.referrer ?? "",
        name: event.type === "arrival" ? "share-arrival" : event.type,
        data,
      },
    });
  },
});
