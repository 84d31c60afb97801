// Sending events to the endpoint (SPEC §6), first version: batched in memory, POSTed as a
// JSON array with fetch(…, {keepalive}), flushed with sendBeacon when the page is hidden,
// and retried with backoff while the endpoint is unreachable or answers 5xx, 408 or 429.
// The durable localStorage queue comes later behind this same interface.
//
// Requests are text/plain and without credentials: a "simple" CORS request, so a
// cross-origin endpoint never needs a preflight. (sendBeacon cannot omit credentials: the
// browser sends the endpoint's own cookies with beacons, if it has any; lanterne sets none.)

/** Events written within this many milliseconds go in one request. */
const BATCH_DELAY_MS = 200;
/** First retry delay; doubles up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60000;
/** A request that has not settled after this long counts as failed. */
const REQUEST_TIMEOUT_MS = 30000;
/** Events kept in memory at most; the oldest go first. */
const MAX_PENDING = 1000;
/** Largest request body: keepalive fetches and beacons share a 64 KiB budget. */
const MAX_BODY = 60000;
/** Most events in one request (the collector accepts up to 1000). */
const MAX_EVENTS = 500;

export class Reporter {
  #endpoint;
  #pending = [];
  #inFlight = [];
  // Identifies the request in flight, so a late answer to an abandoned one is ignored.
  #request = 0;
  #timer = 0;
  #retryMs = FIRST_RETRY_MS;
  // While the endpoint is failing: when the next attempt is due, so events reported
  // meanwhile wait for it instead of bypassing the backoff.
  #retryAt = 0;
  #warned = false;
  #stopped = false;

  /** A reporter for an absolute endpoint URL. */
  constructor(endpoint) {
    this.#endpoint = endpoint;
  }

  /** Queues one event (its JSON); it is sent within BATCH_DELAY_MS. */
  report(json) {
    this.#pending.push(json);
    this.#trim();
    this.#schedule(BATCH_DELAY_MS);
  }

  /** Sends what is pending now, even during a retry backoff (tracker.flush()). */
  flush() {
    this.#retryAt = 0;
    this.#send();
  }

  /**
   * Hands everything pending to sendBeacon (the page is being hidden or unloaded and may
   * never run a timer again), in chunks within the beacon budget. What the browser refuses
   * stays queued for when the page is shown again.
   */
  flushBeacon() {
    while (this.#pending.length) {
      const batch = this.#batch();
      let sent = false;
      try {
        sent = navigator.sendBeacon(this.#endpoint, `[${batch}]`);
      } catch {}
      if (!sent) {
        this.#requeue(batch);
        break;
      }
    }
  }

  /**
   * Stops sending: the timer is cancelled, and pending events and the request in flight
   * go by beacon (receivers dedupe on id, so a request that also succeeds is harmless).
   */
  shutDown() {
    clearTimeout(this.#timer);
    this.#request++;
    this.#requeue(this.#inFlight);
    this.#inFlight = [];
    this.flushBeacon();
    this.#stopped = true;
  }

  #trim() {
    if (this.#pending.length > MAX_PENDING) this.#pending.splice(0, this.#pending.length - MAX_PENDING);
  }

  #schedule(delay) {
    if (this.#timer || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = 0;
      this.#send();
    }, delay);
  }

  // Takes the next batch off the queue: as many events as fit in one request.
  #batch() {
    let size = 2;
    let count = 0;
    for (const event of this.#pending) {
      size += event.length + 1;
      if (count === MAX_EVENTS || size > MAX_BODY) break;
      count++;
    }
    return this.#pending.splice(0, Math.max(count, 1));
  }

  // Sends the next batch, unless a request is in flight (the rest follows when it
  // settles) or a retry is not due yet (then it waits for it).
  #send() {
    if (this.#stopped || this.#inFlight.length || !this.#pending.length) return;
    const wait = this.#retryAt - Date.now();
    if (wait > 0) return this.#schedule(Math.ceil(wait));
    const batch = (this.#inFlight = this.#batch());
    const request = ++this.#request;
    const settle = (status) => this.#settle(request, status);
    fetch(this.#endpoint, { method: "POST", body: `[${batch}]`, mode: "cors", credentials: "omit", keepalive: true }).then(
      (response) => settle(response.status),
      () => settle(0),
    );
    setTimeout(settle, REQUEST_TIMEOUT_MS, 0);
  }

  // The end of request `request`: `status` 0 means a network error or a timeout.
  #settle(request, status) {
    if (request !== this.#request || !this.#inFlight.length) return; // already settled
    const batch = this.#inFlight;
    this.#inFlight = [];
    if (status >= 200 && status < 300) {
      this.#retryMs = FIRST_RETRY_MS;
      this.#retryAt = 0;
    } else if (!status || status === 408 || status === 429 || status >= 500) {
      this.#requeue(batch);
      const delay = this.#retryMs;
      this.#retryMs = Math.min(delay * 2, MAX_RETRY_MS);
      this.#retryAt = Date.now() + delay;
      return this.#schedule(delay);
    } else if (!this.#warned) {
      this.#warned = true;
      console.warn(`lanterne: the endpoint refused a batch of events with HTTP ${status}; they are dropped, not retried`);
    }
    if (this.#pending.length) this.#schedule(0);
  }

  // Puts events back at the front of the queue (they are older than what is there).
  #requeue(events) {
    this.#pending.unshift(...events);
    this.#trim();
  }
}
