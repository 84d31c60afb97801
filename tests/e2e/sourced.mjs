// The harness's `withCollector` for tests about something else than sourceless landings:
// they open pages in blank tabs, each one a sourceless landing (docs/events.md#events),
// whose `landing` events this collector's `events()` and `waitFor()` leave out.
// tests/e2e/landing.test.mjs tests the landings themselves.
import { withCollector as withEveryEvent } from "./harness.mjs";

/** `withCollector(options, fn)`, with `landing` events left out of what the collector returns. */
export function withCollector(options, fn) {
  return withEveryEvent(options, (collector) => {
    const events = collector.events.bind(collector);
    collector.events = async () => (await events()).filter((event) => event.type !== "landing");
    return fn(collector);
  });
}
