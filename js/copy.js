// The copy listener (SPEC §3): reads what the visitor is copying, asks the core what the
// copy becomes (src/core/copy.rs), and writes that to the clipboard. Fail-safe by
// construction: preventDefault is the very last call, made only once both formats are
// written, and any error before it leaves the browser's own copy untouched.

const INLINE = new Set(["A", "ABBR", "B", "BDI", "BDO", "CITE", "DEL", "DFN", "EM", "I", "INS", "MARK", "Q", "S", "SMALL", "SPAN", "STRONG", "SUB", "SUP", "U"]);
const TABLE_PARTS = new Set(["TR", "THEAD", "TBODY", "TFOOT", "TABLE"]);

const elementOf = (node) => (node?.nodeType === 1 ? node : node?.parentElement ?? null);

function wrap(element, content) {
  const wrapper = element.cloneNode();
  wrapper.append(content);
  return wrapper;
}

// Wraps a cloned selection in shallow copies of the ancestors it needs to paste as it
// looks, as the browser's own copy does: the links and inline formatting it is inside of,
// and the table or list around a selection that spans cells, rows or items.
function inContext(content, element) {
  while (element && INLINE.has(element.tagName)) {
    content = wrap(element, content);
    element = element.parentElement;
  }
  if (element && TABLE_PARTS.has(element.tagName)) {
    for (let part = element; part; part = part.tagName === "TABLE" ? null : part.parentElement) content = wrap(part, content);
  } else if (element && /^(UL|OL|DL)$/.test(element.tagName)) {
    content = wrap(element, content);
  }
  return content;
}

/**
 * What a `copy` event is about to copy: `[plain, html]`, with relative links made absolute
 * against `base`; or undefined when the copy must be left to the browser (another handler
 * took it, nothing is selected, it is over `maxChars`, or it touches `never`).
 */
export function readCopy(event, never, maxChars, base) {
  if (event.defaultPrevented || !event.clipboardData) return;
  if (elementOf(event.target)?.closest(never)) return;
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return;
  const plain = selection.toString();
  if (plain.length > maxChars) return;
  const container = document.createElement("div");
  for (let i = 0; i < selection.rangeCount; i++) {
    const range = selection.getRangeAt(i);
    if (elementOf(range.startContainer)?.closest(never) || elementOf(range.endContainer)?.closest(never)) return;
    container.append(inContext(range.cloneContents(), elementOf(range.commonAncestorContainer)));
  }
  if (container.querySelector(never)) return;
  for (const element of container.querySelectorAll("[href],[src]")) {
    for (const name of ["href", "src"]) {
      const value = element.getAttribute(name);
      if (value === null || /^\s*[a-z][a-z\d+.-]*:/i.test(value)) continue;
      try {
        element.setAttribute(name, new URL(value, base).href);
      } catch {}
    }
  }
  return [plain, container.innerHTML];
}

/** Replaces what a `copy` event copies. `preventDefault` last: if a write throws, the
 * browser's own copy goes ahead. */
export function writeCopy(event, plain, html) {
  event.clipboardData.setData("text/plain", plain);
  event.clipboardData.setData("text/html", html);
  event.preventDefault();
}

/**
 * Handles one `copy` event for `tracker` (see lanterne.js): never throws, and changes the
 * copy only when the core says so.
 */
export function onCopy(tracker, event) {
  try {
    const core = tracker.core;
    // Against the address without lanterne's token: a link to "#intro" must not carry
    // the address bar's token (with query placement it would, and the copy's own token
    // would then be refused as a second slot).
    const copied = readCopy(event, tracker.never, tracker.maxChars, core.clean(document.baseURI));
    if (!copied) return;
    const [plain, html] = copied;
    const result = core.copy(plain, html, plain.length, tracker.random(9), core.clean(location.href));
    if (!result) return;
    writeCopy(event, result[0], result[1]);
    tracker.reportShare("copy", "copy", result[2], { extra: String(plain.length) });
  } catch (error) {
    console.error(error);
  }
}
