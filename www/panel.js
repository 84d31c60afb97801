// Demo panel: polls the collector every second and lists the latest events.
// Event data is untrusted input, so it only ever reaches the page via textContent.
const list = document.getElementById('lanterne-events');
const panel = document.getElementById('lanterne-panel');
const TYPES = new Set(['copy', 'share', 'arrival']);
const note = document.createElement('p');
note.className = 'panel-error';
note.textContent = 'collector unreachable';
note.hidden = true;
let lastKey = null;
let lastNewest = null;

function el(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const str = (value) => (value === undefined || value === null ? '' : String(value));

function pathOf(url) {
  try {
    const u = new URL(str(url), location.href);
    return u.pathname + u.hash;
  } catch {
    return str(url);
  }
}

function item(ev) {
  const li = el('li', 'lanterne-event');
  const type = str(ev.type) || '?';
  if (TYPES.has(type)) li.classList.add('ev-' + type);
  const when = new Date(Number(ev.ts));
  const time = el('time', 'ev-time', Number.isNaN(when.getTime()) ? '?' : when.toLocaleTimeString());
  if (!Number.isNaN(when.getTime())) time.dateTime = when.toISOString();
  const head = el('div', 'ev-head');
  head.append(el('span', 'ev-type', type), el('span', 'ev-channel', str(ev.channel) || '?'), time);
  let details = `token ${str(ev.token) || '?'} · parent ${str(ev.parent) || '—'}`;
  if (ev.chars !== undefined && ev.chars !== null) details += ` · ${str(ev.chars)} chars`;
  li.append(head, el('code', 'ev-path', pathOf(ev.url)), el('div', 'ev-details', details));
  return li;
}

function render(events) {
  const key = events.map((ev) => str(ev.id)).join('|');
  if (key === lastKey) return; // nothing new: keep the DOM (and any highlight) as is
  lastKey = key;
  list.replaceChildren(...events.map(item));
  const newest = events.length ? str(events[0].id) : null;
  if (newest !== null && newest !== lastNewest) {
    const first = list.firstElementChild;
    first.classList.add('is-new');
    setTimeout(() => first.classList.remove('is-new'), 2500);
  }
  lastNewest = newest;
}

async function poll() {
  try {
    const res = await fetch('/api/events?limit=20', { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const data = await res.json();
    if (!Array.isArray(data)) throw new Error('unexpected payload');
    render(data.filter((ev) => ev !== null && typeof ev === 'object'));
    note.hidden = true;
  } catch {
    note.hidden = false;
  } finally {
    setTimeout(poll, 1000);
  }
}

if (list && panel) {
  list.before(note);
  poll();
}
