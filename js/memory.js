// What lanterne remembers in the browser, and nothing more:
// - localStorage "lanterne:minted" and "lanterne:minted-a": the last tokens this browser
//   minted for shares and copies (500), and for the address bar (200), so that a visitor
//   clicking their own link is not counted as an arrival (self-click). Two lists, so that
//   one token per page view in the address bar never pushes shared tokens out;
// - sessionStorage "lanterne:parent": the token this visit arrived with (same tab, same
//   site), sent as `parent` on every share of the visit.
// Everything falls back to memory when storage is missing or throws (private modes,
// quota), and what is in memory is always consulted too.

const SHARED = "lanterne:minted";
const ADDRESS_BAR = "lanterne:minted-a";
const CAPS = { [SHARED]: 500, [ADDRESS_BAR]: 200 };
const PARENT = "lanterne:parent";

// Reading window.localStorage itself throws where storage is disabled.
function open(name) {
  try {
    return window[name];
  } catch {
    return null;
  }
}

export class Memory {
  #local = open("localStorage");
  #session = open("sessionStorage");
  #kept = { [SHARED]: "", [ADDRESS_BAR]: "" };
  #parent = "";

  // Address-bar tokens start with their channel code, "a" (README "Share tokens").
  #key = (token) => (token[0] === "a" ? ADDRESS_BAR : SHARED);

  #stored(key) {
    try {
      return this.#local?.getItem(key) ?? "";
    } catch {
      return "";
    }
  }

  /** Remembers a token this browser minted. */
  remember(token) {
    const key = this.#key(token);
    const add = (list) => (list ? `${list} ${token}` : token).split(" ").slice(-CAPS[key]).join(" ");
    try {
      this.#local?.setItem(key, add(this.#stored(key)));
    } catch {}
    // Also in memory, in case storage refused the write.
    this.#kept[key] = add(this.#kept[key]);
  }

  /** Whether this browser minted `token`. */
  minted(token) {
    const key = this.#key(token);
    return [this.#kept[key], this.#stored(key)].some((list) => list.split(" ").includes(token));
  }

  /** Forgets every token and the visit's parent (consent refused). */
  clear() {
    this.#kept = { [SHARED]: "", [ADDRESS_BAR]: "" };
    this.#parent = "";
    try {
      for (const key of [SHARED, ADDRESS_BAR]) this.#local?.removeItem(key);
      this.#session?.removeItem(PARENT);
    } catch {}
  }

  /** The token this visit arrived with, or "" (the core ignores anything not a token). */
  get parent() {
    try {
      return this.#session?.getItem(PARENT) || this.#parent;
    } catch {
      return this.#parent;
    }
  }

  set parent(token) {
    this.#parent = token;
    try {
      this.#session?.setItem(PARENT, token);
    } catch {}
  }
}
