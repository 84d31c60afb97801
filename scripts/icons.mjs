// Writes pkg/icons/<channel>.svg: one small SVG per brand channel, fetched by the buttons
// only for the channels a page shows (README "Icons").
//
// Sources (npm devDependencies, versions pinned in package.json):
//   simple-icons (CC0-1.0): every brand but LinkedIn, which asked Simple Icons to drop it;
//   bootstrap-icons (MIT): LinkedIn.
// E-mail, SMS, copy link and the share sheet are lanterne's own, inline in js/icons.js.
//
// Coordinates are rounded to 2 decimals (a 24-unit grid drawn at ~20 px: invisible) and
// numbers re-joined the short way, which takes about a fifth off each file.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const SOURCES = {
  whatsapp: "simple-icons/icons/whatsapp.svg",
  telegram: "simple-icons/icons/telegram.svg",
  messenger: "simple-icons/icons/messenger.svg",
  signal: "simple-icons/icons/signal.svg",
  line: "simple-icons/icons/line.svg",
  viber: "simple-icons/icons/viber.svg",
  threema: "simple-icons/icons/threema.svg",
  x: "simple-icons/icons/x.svg",
  facebook: "simple-icons/icons/facebook.svg",
  linkedin: "bootstrap-icons/icons/linkedin.svg",
  reddit: "simple-icons/icons/reddit.svg",
  bluesky: "simple-icons/icons/bluesky.svg",
  mastodon: "simple-icons/icons/mastodon.svg",
  threads: "simple-icons/icons/threads.svg",
  pinterest: "simple-icons/icons/pinterest.svg",
  tumblr: "simple-icons/icons/tumblr.svg",
  hackernews: "simple-icons/icons/ycombinator.svg",
  vk: "simple-icons/icons/vk.svg",
  xing: "simple-icons/icons/xing.svg",
  weibo: "simple-icons/icons/sinaweibo.svg",
};

// How many numbers each command takes, and which of them are arc flags (single digits
// that may be written without separators: "a.5.5 0 01.5.5").
const ARITY = { m: 2, l: 2, h: 1, v: 1, c: 6, s: 4, q: 4, t: 2, a: 7, z: 0 };

/** Rounds a path's numbers to `digits` decimals and writes it compactly. */
export function roundPath(d, digits = 2) {
  let i = 0;
  const out = [];
  const number = () => {
    const m = /^[\s,]*(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(d.slice(i));
    if (!m) return null;
    i += m[0].length;
    return Number(m[1]);
  };
  const flag = () => {
    const m = /^[\s,]*([01])/.exec(d.slice(i));
    if (!m) throw new Error(`bad arc flag at ${i} in ${d}`);
    i += m[0].length;
    return Number(m[1]);
  };
  let previous = "";
  while (i < d.length) {
    const c = /^[\s,]*([MmLlHhVvCcSsQqTtAaZz])/.exec(d.slice(i));
    if (!c) throw new Error(`bad path at ${i}: ${d.slice(i, i + 20)}`);
    i += c[0].length;
    const command = c[1];
    const arity = ARITY[command.toLowerCase()];
    out.push(command);
    previous = command;
    if (arity === 0) continue;
    // A command letter may be followed by several sets of numbers.
    for (;;) {
      const start = i;
      const values = [];
      for (let k = 0; k < arity; k++) {
        const isFlag = previous.toLowerCase() === "a" && (k === 3 || k === 4);
        const v = isFlag ? flag() : number();
        if (v === null) {
          if (k === 0) break;
          throw new Error(`short command ${command} in ${d}`);
        }
        values.push(v);
      }
      if (values.length === 0) {
        i = start;
        break;
      }
      for (const v of values) out.push(v);
    }
  }
  // Join: a separator only where the next number would otherwise merge with this one.
  let text = "";
  for (const token of out) {
    if (typeof token === "string") {
      text += token;
      continue;
    }
    let s = String(Number(token.toFixed(digits)));
    s = s.replace(/^(-?)0\./, "$1.");
    const last = text[text.length - 1];
    const needsSpace = /[\d.]/.test(last ?? "") && !s.startsWith("-") && !(s.startsWith(".") && /\.\d*$/.test(lastNumber(text)));
    text += needsSpace ? " " + s : s;
  }
  return text;
}

// The number text ends with, to know whether a following ".5" can be glued to it.
function lastNumber(text) {
  const m = /-?(?:\d+\.?\d*|\.\d+)$/.exec(text);
  return m ? m[0] : "";
}

export function buildIcons(outDir = "pkg/icons") {
  mkdirSync(outDir, { recursive: true });
  const sizes = {};
  for (const [channel, source] of Object.entries(SOURCES)) {
    const svg = readFileSync(`node_modules/${source}`, "utf8");
    const viewBox = /viewBox="([^"]+)"/.exec(svg)[1];
    const paths = [...svg.matchAll(/ d="([^"]+)"/g)].map((m) => roundPath(m[1]));
    const out = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${viewBox}">${paths.map((d) => `<path d="${d}"/>`).join("")}</svg>\n`;
    writeFileSync(`${outDir}/${channel}.svg`, out);
    sizes[channel] = out.length;
  }
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = buildIcons(process.argv[2]);
  console.log(`icons: ${Object.keys(sizes).length} written`);
}
