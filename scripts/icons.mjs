// Writes pkg/icons/<channel>.svg: one small SVG per brand channel, fetched by the buttons
// only for the channels a page shows (docs/share-buttons.md#icons).
//
// Sources (npm devDependencies, versions pinned in package.json):
//   simple-icons (CC0-1.0): every brand but LinkedIn, which asked Simple Icons to drop it;
//   bootstrap-icons (MIT): LinkedIn.
// E-mail, SMS, copy link and the share sheet are lanterne's own, inline in the wasm
// (`generic_icon` in src/core/markup.rs).
//
// Coordinates are rounded to 1 decimal (a 24-unit grid drawn at ~20 px: under a tenth of
// a pixel, without errors adding up along a path) and numbers re-joined the short way,
// which takes about a third off each file.
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

// Which of a command's numbers are x and y coordinates (the rest, an arc's radii, angle
// and flags, are not positions).
const AXES = { m: "xy", l: "xy", h: "x", v: "y", c: "xyxyxy", s: "xyxy", q: "xyxy", t: "xy", a: "...ffxy", z: "" };

/**
 * Rounds a path's numbers to `digits` decimals and writes it compactly. Relative
 * coordinates are rounded against where the drawn (rounded) path really is, so errors do
 * not add up along a path: every point stays within half a unit of the last decimal.
 */
export function roundPath(d, digits = 1) {
  let i = 0;
  const commands = [];
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
  while (i < d.length) {
    const c = /^[\s,]*([MmLlHhVvCcSsQqTtAaZz])/.exec(d.slice(i));
    if (!c) {
      if (/^[\s,]*$/.test(d.slice(i))) break;
      throw new Error(`bad path at ${i}: ${d.slice(i, i + 20)}`);
    }
    i += c[0].length;
    const command = c[1];
    const axes = AXES[command.toLowerCase()];
    const sets = [];
    if (axes.length) {
      for (;;) {
        const values = [];
        for (let k = 0; k < axes.length; k++) {
          const v = axes[k] === "f" ? flag() : number();
          if (v === null) {
            if (k === 0) break;
            throw new Error(`short command ${command} in ${d}`);
          }
          values.push(v);
        }
        if (!values.length) break;
        sets.push(values);
      }
    }
    commands.push([command, sets]);
  }

  const scale = 10 ** digits;
  const round = (v) => Math.round(v * scale) / scale;
  // Where the path is: exactly (as drawn by the source) and as drawn by the output.
  let exact = [0, 0], drawn = [0, 0], startExact = [0, 0], startDrawn = [0, 0];
  const out = [];
  for (const [command, sets] of commands) {
    const lower = command.toLowerCase();
    const relative = command === lower;
    const axes = AXES[lower];
    out.push(command);
    if (lower === "z") {
      exact = [...startExact];
      drawn = [...startDrawn];
      continue;
    }
    sets.forEach((values, n) => {
      const segmentExact = [...exact];
      const segmentDrawn = [...drawn];
      let endExact = [...exact], endDrawn = [...drawn];
      values.forEach((v, k) => {
        const axis = axes[k] === "x" ? 0 : axes[k] === "y" ? 1 : -1;
        if (axis < 0) {
          out.push(axes[k] === "f" ? v : round(v));
          return;
        }
        const target = relative ? segmentExact[axis] + v : v;
        const written = relative ? round(target - segmentDrawn[axis]) : round(target);
        out.push(written);
        endExact[axis] = target;
        endDrawn[axis] = relative ? segmentDrawn[axis] + written : written;
      });
      exact = endExact;
      drawn = endDrawn;
      if (lower === "m" && n === 0) {
        startExact = [...exact];
        startDrawn = [...drawn];
      }
    });
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
    if (s === "-0") s = "0";
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

/**
 * The same icons as one ES module for lanterne/row (Node): `export default { channel:
 * "<svg…>" }`. A module, not files read at a path built at run time, so that a server
 * bundle (Next.js's, with webpack or Turbopack) carries every icon
 * (docs/npm.md#bundlers).
 */
export function buildIconModule(iconDir, outFile) {
  const icons = Object.fromEntries(Object.keys(SOURCES).sort().map((channel) => [channel, readFileSync(`${iconDir}/${channel}.svg`, "utf8").trim()]));
  writeFileSync(outFile, `// Written by scripts/icons.mjs: the brand icons of icons/, for lanterne/row.\nexport default ${JSON.stringify(icons, null, 1)};\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = buildIcons(process.argv[2]);
  if (process.argv[3]) buildIconModule(process.argv[2], process.argv[3]);
  console.log(`icons: ${Object.keys(sizes).length} written`);
}
