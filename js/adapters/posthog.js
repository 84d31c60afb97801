// PostHog's batch capture API (POST /batch/): one PostHog event per lanterne event,
// anonymous (`$process_person_profile: false`, the event id as distinct_id: no person is
// created or joined). Field by field: README "Adapters".
export const adapter = (site) => ({
  batch: 100,
  body: (events) =>
    JSON.stringify({
      api_key: site,
      batch: events.map((json) => {
        const event = JSON.parse(json);
        const properties = {
          $current_url: event.url,
          $process_person_profile: false,
          $lib: "lanterne",
          title: event.title,
          // Not `token`: PostHog reads a `token` property as the project's API key.
          share_channel: event.channel,
          share_token: event.token,
          share_parent: event.parent,
        };
        if (event.referrer) properties.$referrer = event.referrer;
        if (event.chars !== undefined) properties.share_chars = event.chars;
        return {
          event: event.type === "arrival" ? "share arrival" : event.type,
          distinct_id: event.id,
          uuid: event.id,
          properties,
          timestamp: new Date(event.ts).toISOString(),
        };
      }),
    }),
});
