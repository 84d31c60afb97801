// Delivery (SPEC §6): events wait in the durable queue (queue.js) and are POSTed in
// batches with fetch(…, {keepalive}); when the page is hidden or unloading, with
// sendBeacon in chunks within its 64 KiB budget. Network errors, timeouts, 5xx, 408 and
// 429 are retried with exponential backoff and jitter, honouring Retry-After; other
// answers drop the batch with one console warning naming the status.
//
// Requests are text/plain and without credentials: a "simple" CORS request, so a
// cross-origin endpoint never needs a preflight (custom headers make one necessary, and
// rule out sendBeacon: then fetch with keepalive is used at page exit too).

/** First retry delay; doubles up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60000;
/** A request that has not settled after this long is abandoned and counts as failed. */
const REQUEST_TIMEOUT_MS = 30000;
/** Largest request body in bytes: keepalive fetches and beacons share a 64 KiB budget. */
const MAX_BODY = 60000;

const encoder = new TextEncoder();

/** When a Retry-After header asks to retry, in ms from now (seconds or an HTTP date). */
function retryAfter(value) {
  if (!value) return 0;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Math.min(Math.max(ms || 0, 0), 3600000);
}

export class Reporter {
  #endpoint;
  #queue;
  #format;
  #headers;
  #delay;
  #emit;
  #inFlight = null;
  #abort = null;
  // Identifies the request in flight, so a late answer to an abandoned one is ignored.
  #request = 0;
  #timer = 0;
  #retryMs = FIRST_RETRY_MS;
  #warned = new Set();
  #stopped = false;
  /** Consent pending: events are queued, nothing is sent. */
  held = false;
  /** For stats(): events delivered and retries made in this page view. */
  sent = 0;
  retries = 0;

  /**
   * `format` is `{ batch, body(events, dropped), once }` (events per request, the request
   * body of a batch of event JSON, and whether the receiver does not dedupe on the event
   * id), or `{ batch, deliver(events, dropped) }` for formats that hand events to
   * something in the page (a promise that rejects, or a throw, is a failure); `headers`
   * are extra request headers; `delay` the batching window in ms; `emit(error)` tells the
   * page's error listeners.
   */
  constructor(endpoint, queue, { format, headers, delay, emit }) {
    this.#endpoint = endpoint;
    this.#queue = queue;
    this.#format = format;
    this.#headers = headers;
    this.#delay = delay;
    this.#emit = emit;
    // What earlier page views left (an outage, a closed tab) goes now, or when the
    // backoff they were in ends.
    queue.adopt(() => this.#schedule(0));
  }

  /** Events not yet acknowledged, and events dropped in this page view (queue full). */
  get queued() {
    return this.#queue.length;
  }

  get dropped() {
    return this.#queue.droppedHere;
  }

  /** Queues one event (its JSON); it is sent within the batching window. */
  report(json) {
    this.#queue.push(json);
    this.#schedule(this.#delay);
  }

  /** Sends what is queued now, even during a retry backoff. */
  flush() {
    this.#queue.retryAt = 0;
    this.#send();
  }

  /** Consent granted: what waited goes out (unless the endpoint asked to wait). */
  release() {
    this.held = false;
    this.#send();
  }

  /**
   * The page is being hidden or unloaded and may never run a timer again: what is waiting
   * goes now, by beacon (or keepalive fetch with custom headers), in chunks within the
   * budget; not while the endpoint is known to be failing, and not for formats that hand
   * events to the page (the next page does). The browser never says whether a beacon
   * arrived, so for receivers that dedupe on the event id the events stay queued for the
   * next page, which sends them again; for the others (`once`), what the browser accepted
   * leaves the queue. A refused chunk stays for later.
   */
  flushBeacon() {
    const format = this.#format;
    if (this.held || this.#stopped || format.deliver || this.#queue.retryAt > Date.now()) return;
    const inFlight = new Set(this.#inFlight ?? []);
    while (this.#queue.waiting > inFlight.size) {
      const peeked = this.#queue.peek(format.batch, MAX_BODY).filter((e) => !inFlight.has(e));
      if (!peeked.length) break;
      // No drop count by beacon: only the next fetched batch carries it, once.
      const [batch, body, bytes] = this.#fit(peeked, 0);
      let sent = false;
      try {
        if (this.#headers) {
          const request = fetch(this.#endpoint, this.#init(body, bytes <= MAX_BODY));
          // If the page lives on (hidden, not closed), the answer is known after all.
          request.then((r) => r.ok && this.#queue.remove(batch), () => {});
          sent = true;
        } else {
          sent = bytes <= MAX_BODY && navigator.sendBeacon(this.#endpoint, body);
        }
      } catch {}
      if (!sent) break;
      if (format.once) {
        this.#queue.remove(batch);
        this.sent += batch.length;
      } else {
        this.#queue.setAside(batch);
      }
      for (const event of batch) inFlight.add(event);
    }
  }

  /** Stops sending; what is queued goes by beacon, and what is left waits for a later page. */
  shutDown() {
    clearTimeout(this.#timer);
    this.flushBeacon();
    // A request in flight goes on (keepalive); for receivers that do not dedupe, its events
    // are taken as sent rather than sent again by the next page.
    if (this.#inFlight && this.#format.once) this.#queue.remove(this.#inFlight);
    this.#request++;
    this.#inFlight = null;
    this.#stopped = true;
  }

  /** Consent refused: everything queued is forgotten, nothing more is sent. */
  forget() {
    clearTimeout(this.#timer);
    this.#abort?.abort();
    this.#request++;
    this.#inFlight = null;
    this.#queue.clear();
    this.#stopped = true;
  }

  #init(body, keepalive, signal) {
    const init = { method: "POST", body, mode: "cors", credentials: "omit", keepalive, signal };
    if (this.#headers) init.headers = { "Content-Type": "text/plain;charset=UTF-8", ...this.#headers };
    return init;
  }

  // The body of `batch` within the byte budget: halves the batch until it fits (titles in
  // other scripts take several bytes a character). A single event over the budget goes
  // alone, without keepalive.
  #fit(batch, dropped) {
    for (;;) {
      const body = this.#format.body(batch, dropped);
      const bytes = encoder.encode(body).length;
      if (bytes <= MAX_BODY || batch.length === 1) return [batch, body, bytes];
      batch = batch.slice(0, Math.ceil(batch.length / 2));
    }
  }

  #schedule(delay) {
    if (this.#timer || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = 0;
      this.#send();
    }, delay);
  }

  // Sends the next batch, unless a request is in flight (the rest follows when it
  // settles), a retry is not due yet (then it waits for it) or consent is pending.
  #send() {
    if (this.#stopped || this.held || this.#inFlight || !this.#queue.waiting) return;
    const wait = this.#queue.retryAt - Date.now();
    if (wait > 0) return this.#schedule(Math.ceil(wait));
    const format = this.#format;
    const dropped = this.#queue.dropped;
    const request = ++this.#request;
    const peeked = this.#queue.peek(format.batch, MAX_BODY);
    this.#queue.save(); // the record's time shows this tab is alive
    if (format.deliver) {
      const batch = (this.#inFlight = peeked);
      const settle = (status) => this.#settle(request, batch, dropped, status);
      new Promise((done) => done(format.deliver(batch, dropped))).then(() => settle(200), () => settle(0));
      return;
    }
    const [batch, body, bytes] = this.#fit(peeked, dropped);
    this.#inFlight = batch;
    const abort = (this.#abort = new AbortController());
    const settle = (status, after) => this.#settle(request, batch, dropped, status, after);
    fetch(this.#endpoint, this.#init(body, bytes <= MAX_BODY, abort.signal)).then(
      (response) => settle(response.status, response.headers.get("Retry-After")),
      () => settle(0),
    );
    setTimeout(() => {
      if (this.#inFlight === batch && request === this.#request) {
        abort.abort(); // so a late answer cannot race the retry
        settle(0);
      }
    }, REQUEST_TIMEOUT_MS);
  }

  // The end of request `request`: `status` 0 means a network error or a timeout.
  #settle(request, batch, dropped, status, after) {
    if (request !== this.#request || this.#inFlight !== batch) return; // already settled
    this.#inFlight = null;
    if (status >= 200 && status < 300) {
      this.#queue.remove(batch);
      this.#queue.reported(dropped);
      this.sent += batch.length;
      this.#retryMs = FIRST_RETRY_MS;
      this.#queue.retryAt = 0;
    } else if (!status || status === 408 || status === 429 || status >= 500) {
      // Full backoff with jitter (so tabs and visitors do not retry in step), or what the
      // endpoint asked for; kept in the queue's record, so the next page waits too.
      const delay = retryAfter(after) || this.#retryMs * (0.5 + Math.random() / 2);
      this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
      this.#queue.retryAt = Date.now() + delay;
      this.#queue.save();
      this.retries++;
      this.#emit({ kind: status ? "http" : "network", status, retry: true, events: batch.length, message: `lanterne: delivery failed (${status ? `HTTP ${status}` : "network error or timeout"}); retrying in ${Math.round(delay)} ms` });
      return this.#schedule(delay);
    } else {
      // The endpoint refuses these events: sending them again would not change that. The
      // drop count was not delivered: the next batch carries it.
      this.#queue.remove(batch);
      const message = `lanterne: the endpoint refused a batch of ${batch.length} events with HTTP ${status}; they are dropped, not retried`;
      if (!this.#warned.has(status)) {
        this.#warned.add(status);
        console.warn(message);
      }
      this.#emit({ kind: "http", status, retry: false, events: batch.length, message });
    }
    if (this.#queue.waiting) this.#schedule(0);
  }
}

/** The default request body: the lanterne JSON array (SPEC §5), `dropped` on the first event. */
export function lanterneFormat(events, dropped) {
  const body = `[${events}]`;
  return dropped > 0 ? body.replace(/^\[\{/, `[{"dropped":${dropped},`) : body;
}
