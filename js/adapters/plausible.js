// Plausible's Events API (POST /api/event, one event per request): a custom event per
// share, copy and arrival, with the channel and token in its props so click-backs can be
// attributed in Plausible. Field by field: README "Adapters".
const NAMES = { share: "Share", copy: "Copy", arrival: "Share arrival" };

export const adapter = (site) => ({
  batch: 1,
  // It does not dedupe on the event id: a beacon at page exit is sent once, not again.
  once: true,
  body: ([json]) => {
    const event = JSON.parse(json);
    const props = { channel: event.channel, token: event.token };
    if (event.parent) props.parent = event.parent;
    if (event.chars !== undefined) props.chars = String(event.chars);
    return JSON.stringify({
      name: NAMES[event.type],
      url: event.url,
      domain: site,
      referrer: event.referrer ?? null,
      props,
      // An arrival is a page view's side effect, not something the visitor did.
      interactive: event.type !== "arrival",
    });
  },
});
