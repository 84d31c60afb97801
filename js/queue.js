// The durable queue (SPEC §6): every event is written here before any network attempt,
// and leaves only when the endpoint has acknowledged it (or a beacon took it at page exit).
//
// Each tab keeps its own record, localStorage["lanterne:queue:<tab>"] =
// {"t": last write (ms), "d": events dropped and not yet reported, "e": [event JSON, …]},
// so no two tabs ever rewrite the same key or send the same event. A tab holds the Web Lock
// "lanterne:tab:<tab>" while it lives; the next page load adopts the records of tabs that
// are gone (their lock is free), so retries resume after a reload or a closed tab.
// Without storage (private modes, quota, disabled) the queue lives in memory.

const PREFIX = "lanterne:queue:";
const LOCK = "lanterne:tab:";
// Without Web Locks, a record untouched for this long is taken to be an orphan.
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
  /** Events dropped (queue full) and not yet reported to the endpoint. */
  dropped = 0;
  /** Events dropped in this page view, for stats(). */
  droppedHere = 0;

  constructor(maxEvents, maxBytes) {
    this.#maxEvents = maxEvents;
    this.#maxBytes = maxBytes;
    // This tab's lock, held until the page goes away.
    navigator.locks?.request(LOCK + this.#id, () => new Promise(() => {})).catch(() => {});
  }

  get length() {
    return this.#events.length;
  }

  /** Adds one event (its JSON), dropping the oldest past the bounds. */
  push(json) {
    this.#events.push(json);
    this.#bytes += json.length;
    this.#trim();
    this.#save();
  }

  /** Takes in the records of tabs that are gone; calls `then()` if it added events. */
  adopt(then) {
    const storage = this.#storage;
    if (!storage) return;
    const keys = [];
    try {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key?.startsWith(PREFIX) && key !== this.#key) keys.push(key);
      }
    } catch {
      return;
    }
    for (const key of keys) {
      const take = () => {
        let record;
        try {
          record = JSON.parse(storage.getItem(key));
          storage.removeItem(key);
        } catch {}
        if (!record || !Array.isArray(record.e)) return;
        if (!navigator.locks && Date.now() - record.t < ORPHAN_MS) {
          storage.setItem(key, JSON.stringify(record)); // a live tab's: put it back
          return;
        }
        const mine = new Set(this.#events);
        const older = record.e.filter((e) => typeof e === "string" && !mine.has(e));
        this.#events = [...older, ...this.#events];
        this.#bytes += older.reduce((n, e) => n + e.length, 0);
        this.dropped += Number(record.d) || 0;
        this.#trim();
        this.#save();
        if (older.length) then();
      };
      if (navigator.locks) {
        // Free lock: the tab is gone. Taken by us, no other new tab adopts it too.
        navigator.locks.request(LOCK + key.slice(PREFIX.length), { ifAvailable: true }, (lock) => lock && take()).catch(() => {});
      } else {
        take();
      }
    }
  }

  /** The next batch, oldest first: at most `count` events and `bytes` of JSON. */
  peek(count, bytes) {
    let size = 2;
    let n = 0;
    for (const event of this.#events) {
      if (this.#aside.has(event)) continue;
      size += event.length + 1;
      if (n === count || size > bytes) break;
      n++;
    }
    return this.#events.filter((e) => !this.#aside.has(e)).slice(0, Math.max(n, 1));
  }

  /** Events waiting to be sent from this page (not set aside). */
  get waiting() {
    return this.#events.length - this.#aside.size;
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
    this.#save();
  }

  /** `n` dropped events were reported to the endpoint. */
  reported(n) {
    if (!n) return;
    this.dropped = Math.max(0, this.dropped - n);
    this.#save();
  }

  /** Forgets every event (consent denied). */
  clear() {
    this.#events = [];
    this.#aside.clear();
    this.#bytes = 0;
    this.dropped = 0;
    this.#save();
  }

  #trim() {
    let excess = 0;
    while (this.#events.length - excess > this.#maxEvents || (this.#bytes > this.#maxBytes && this.#events.length - excess > 1)) {
      this.#bytes -= this.#events[excess].length;
      excess++;
    }
    if (excess) {
      this.#events.splice(0, excess);
      this.dropped += excess;
      this.droppedHere += excess;
    }
  }

  #save() {
    if (!this.#storage) return;
    try {
      if (this.#events.length || this.dropped) {
        this.#storage.setItem(this.#key, JSON.stringify({ t: Date.now(), d: this.dropped, e: this.#events }));
      } else {
        this.#storage.removeItem(this.#key);
      }
    } catch {
      // Quota or a storage that went away: keep going in memory.
      this.#storage = null;
    }
  }
}
