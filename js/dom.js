// One-line bindings to the page for lanterne's wasm (src/web/dom.rs). Each does one fixed
// thing, with no decision in it (no branching on the page, the config or the selection):
// every decision is made in Rust. Each exists because it is smaller than the same steps
// through web-sys (docs/performance.md#size).
export const href = () => location.href;
export const navigationType = () => performance.getEntriesByType("navigation")[0]?.type + "";
export const replaceUrl = (url) => History.prototype.replaceState.call(history, history.state, "", url);
export const post = (url, body, keepalive, signal, headers) => fetch(url, { method: "POST", body, keepalive, mode: "cors", credentials: "omit", signal, headers });
export const drawInto = (element, stash, html) => (stash.append(...element.childNodes), element.insertAdjacentHTML("beforeend", html));
export const observeTree = (root, callback) => { const observer = new MutationObserver(callback); observer.observe(root, { childList: true, subtree: true }); return observer; };
export const shareIntent = (channel, token, url, title, text) => {
  let cancelled = false;
  return Object.defineProperties({ channel, token, url, title, text }, { channel: { writable: false }, token: { writable: false }, cancelled: { get: () => cancelled, enumerable: true }, cancel: { value: () => { cancelled = true; }, enumerable: true } });
};
export const shareButtons = (element, skipped, state) => Object.defineProperties({}, { element: { value: element, enumerable: true }, skipped: { value: skipped, enumerable: true }, drawn: { get: () => state(false), enumerable: true }, remove: { value: () => { state(true); }, enumerable: true } });
