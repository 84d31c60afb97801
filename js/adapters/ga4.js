// Google Analytics 4 through the page's own gtag.js or Tag Manager: shares and copies as
// the recommended `share` event (method: the channel, content_type: "page", item_id: the
// token), arrivals as `share_arrival`. Nothing goes over the network from lanterne.
// Field by field: README "Adapters".
export const adapter = () => ({
  batch: 100,
  deliver: (events) => {
    for (const json of events) {
      const event = JSON.parse(json);
      const name = event.type === "arrival" ? "share_arrival" : "share";
      // share_parent always set (undefined when none): Tag Manager's data model would
      // otherwise carry an earlier event's into this one.
      const params = { method: event.channel, content_type: event.type === "copy" ? "text" : "page", item_id: event.token, share_parent: event.parent ?? undefined };
      if (typeof window.gtag === "function") window.gtag("event", name, params);
      else (window.dataLayer ||= []).push({ event: name, ...params });
    }
  },
});
