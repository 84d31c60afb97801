// The durable queue (SPEC §6): every event is written here before any network attempt,
// and leaves only when the endpoint has acknowledged it.
//
// Each tab keeps its own record, localStorage["lanterne:queue:<tab>"] =
// {"t": last write (ms), "d": events dropped and not yet reported, "r": when the
// endpoint may be tried again (ms, backoff and Retry-After), "e": [event JSON, …]},
// so no two tabs ever rewrite the same key or send the same event. While its record has
// events, a tab holds the Web Lock "lanterne:tab:<tab>" (only then: a held lock keeps a
// page out of the back/forward cache); the next page load adopts the records whose lock
// is free, so retries resume after a reload or a closed tab.
// Without storage (private modes, quota, disabled) the queue lives in memory.

const PREFIX = "lanterne:queue:";
const LOCK = "lanterne:tab:";
// Without Web Locks, a record untouched for this long is taken to be an orphan (a live
// tab rewrites its record at every attempt).
const ORPHAN_MS = 10 * 60 * 1000;

function open() {
  try {
    const storage = window.localStorage;
    storage.length; // throws where storage is disabled
    return storage;
  } catch {
    return null;
  }
}

/** The keys of every tab's queue record. */
function recordKeys(storage) {
  const keys = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(PREFIX)) keys.push(key);
    }
  } catch {}
  return keys;
}

/** Runs `fn` for the record `key` if its tab is gone (its lock is free), holding that lock. */
function ifOrphan(storage, key, fn) {
  if (navigator.locks) {
    navigator.locks.request(LOCK + key.slice(PREFIX.length), { ifAvailable: true }, (lock) => lock && fn()).catch(() => {});
    return;
  }
  try {
    const record = JSON.parse(storage.getItem(key));
    if (!record || Date.now() - record.t >= ORPHAN_MS) fn();
  } catch {}
}

/** Removes the queue records of every tab that is gone (consent refused). */
export function forgetOrphans() {
  const storage = open();
  if (!storage) return;
  for (const key of recordKeys(storage)) ifOrphan(storage, key, () => storage.removeItem(key));
}

export class Queue {
  #storage = open();
  #id = Math.random().toString(36).slice(2, 10);
  #key = PREFIX + this.#id;
  #events = [];
  // Handed to a beacon in this page view: not sent again from here, but kept for the next
  // page (the browser never says whether a beacon arrived).
  #aside = new Set();
  #bytes = 0;
  #maxEvents;
  #maxBytes;
  #held = false;
  #release = null;
  #closed = false;
  /** Events dropped (queue full) and not yet reported to the endpoint. */
  dropped = 0;
  /** Events dropped in this page view, for stats(). */
  droppedHere = 0;
  /** When the endpoint may be tried again (ms since the epoch); kept for the next page. */
  retryAt = 0;

  constructor(maxEvents, maxBytes) {
    this.#maxEvents = maxEvents;
    this.#maxBytes = maxBytes;
  }

  /** Events not yet acknowledged. */
  get length() {
    return this.#events.length;
  }

  /** Events waiting to be sent from this page (not set aside for the next one). */
  get waiting() {
    return this.#events.length - this.#aside.size;
  }

  /** Adds one event (its JSON), dropping the oldest past the bounds. */
  push(json) {
    this.#events.push(json);
    this.#bytes += json.length;
    this.#trim();
    this.save();
  }

  /** Takes in the records of tabs that are gone; calls `then()` if it added events. */
  adopt(then) {
    const storage = this.#storage;
    if (!storage) return;
    for (const key of recordKeys(storage)) {
      if (key === this.#key) continue;
      ifOrphan(storage, key, () => {
        let record = null;
        try {
          record = JSON.parse(storage.getItem(key));
          storage.removeItem(key);
        } catch {}
        // Forgotten meanwhile (consent denied, tracker stopped): only the removal stays.
        if (this.#closed || !record || !Array.isArray(record.e)) return;
        const mine = new Set(this.#events);
        const older = record.e.filter((e) => typeof e === "string" && !mine.has(e));
        this.#events = [...older, ...this.#events];
        this.#bytes += older.reduce((n, e) => n + e.length, 0);
        this.dropped += Number(record.d) || 0;
        this.retryAt = Math.max(this.retryAt, Number(record.r) || 0);
        this.#trim();
        this.save();
        if (older.length) then();
      });
    }
  }

  /** The next batch, oldest first: at most `count` events and about `bytes` of JSON. */
  peek(count, bytes) {
    const batch = [];
    let size = 2;
    for (const event of this.#events) {
      if (this.#aside.has(event)) continue;
      size += event.length + 1;
      if (batch.length && (batch.length === count || size > bytes)) break;
      batch.push(event);
    }
    return batch;
  }

  /** Events a beacon took: kept for the next page, not sent again from this one. */
  setAside(events) {
    for (const event of events) this.#aside.add(event);
  }

  /** Removes events that were delivered (by identity: the queue may have moved meanwhile). */
  remove(events) {
    const done = new Set(events);
    this.#events = this.#events.filter((e) => !done.has(e));
    for (const event of events) this.#aside.delete(event);
    this.#bytes = this.#events.reduce((n, e) => n + e.length, 0);
    this.save();
  }

  /** `n` dropped events were reported to the endpoint. */
  reported(n) {
    if (!n) return;
    this.dropped = Math.max(0, this.dropped - n);
    this.save();
  }

  /** Forgets every event, and takes in no more (consent refused, or stopped for good). */
  clear() {
    this.#closed = true;
    this.#events = [];
    this.#aside.clear();
    this.#bytes = 0;
    this.dropped = 0;
    this.save();
  }

  #trim() {
    let excess = 0;
    while (this.#events.length - excess > this.#maxEvents || (this.#bytes > this.#maxBytes && this.#events.length - excess > 1)) {
      this.#bytes -= this.#events[excess].length;
      this.#aside.delete(this.#events[excess]);
      excess++;
    }
    if (excess) {
      this.#events.splice(0, excess);
      this.dropped += excess;
      this.droppedHere += excess;
    }
  }

  /** Writes this tab's record (also at every send attempt: the record shows the tab lives). */
  save() {
    const storage = this.#storage;
    const keep = this.#events.length > 0 || this.dropped > 0;
    if (keep && !this.#held && navigator.locks) {
      this.#held = true;
      // Granted asynchronously: by then the queue may be empty again.
      const hold = () => (this.#held ? new Promise((resolve) => (this.#release = resolve)) : undefined);
      navigator.locks.request(LOCK + this.#id, hold).catch(() => {});
    }
    if (!keep && this.#held) {
      this.#held = false;
      this.#release?.();
      this.#release = null;
    }
    if (!storage) return;
    try {
      if (keep) storage.setItem(this.#key, JSON.stringify({ t: Date.now(), d: this.dropped, r: this.retryAt, e: this.#events }));
      else storage.removeItem(this.#key);
    } catch {
      // Quota, or a storage that went away: keep going in memory, and leave no stale
      // record for a later page to send again.
      try {
        storage.removeItem(this.#key);
      } catch {}
      this.#storage = null;
    }
  }
}
