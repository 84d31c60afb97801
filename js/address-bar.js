// The page's own address (SPEC §2): the arrival check on landing, this page view's token
// in the address bar, and putting the address back on stop(). The core reads and writes
// the addresses (src/core/page.rs); this only applies them.

/**
 * Reads the landing address: reports an arrival for a valid token that this browser did
 * not mint itself, remembers it as the visit's parent, then shows the clean address, or
 * the address with this page view's own token when the address bar mode is on.
 */
export function onStart(tracker) {
  const href = location.href;
  const [clean, incoming, shown, own] = tracker.core.landing(href, tracker.random(9)).split("\0");
  const memory = tracker.memory;
  if (incoming && !memory.minted(incoming) && memory.parent !== incoming) {
    memory.parent = incoming;
    tracker.report("arrival", "", incoming, { parent: incoming, extra: document.referrer });
  }
  if (own) memory.remember(own);
  replace(shown || clean);
}

/** Takes lanterne's token out of the address bar. */
export function restore(core) {
  replace(core.clean(location.href));
}

// history.replaceState keeping the page's own state (routers keep theirs there): no new
// history entry, no reload.
function replace(url) {
  if (url !== location.href) history.replaceState(history.state, "", url);
}
