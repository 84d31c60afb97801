// Button icons. Brand icons are one small SVG file each (pkg/icons/, built by
// scripts/icons.mjs from simple-icons, CC0, and bootstrap-icons, MIT), fetched from where
// lanterne itself is served, only for the channels a page shows and never from a third
// party. The four generic ones are lanterne's own and small enough to live here.

const SVG = "http://www.w3.org/2000/svg";

// 24x24, drawn with the even-odd rule so inner shapes cut out.
const GENERIC = {
  email: "M3 4.5h18A1.5 1.5 0 0 1 22.5 6v12a1.5 1.5 0 0 1-1.5 1.5H3A1.5 1.5 0 0 1 1.5 18V6A1.5 1.5 0 0 1 3 4.5zm.5 2.3v.9l8.5 5.6 8.5-5.6v-.9L12 12.3z",
  sms: "M4 2.5h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H10l-5.5 4.5v-4.5H4a2 2 0 0 1-2-2v-11a2 2 0 0 1 2-2zM8 8.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm4 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm4 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z",
  copy_link: "M9 1.5h10.5A1.5 1.5 0 0 1 21 3v13.5a1.5 1.5 0 0 1-1.5 1.5H9a1.5 1.5 0 0 1-1.5-1.5V3A1.5 1.5 0 0 1 9 1.5zm.5 2v12.5h9.5V3.5zM4 6h2v14h11v2.5H4A1.5 1.5 0 0 1 2.5 21V7.5A1.5 1.5 0 0 1 4 6z",
  web_share: "M12 1l5.5 5.5-1.4 1.4-3.1-3.1V15h-2V4.8L7.9 7.9 6.5 6.5zM4 10h4v2H5v8.5h14V12h-3v-2h4a1 1 0 0 1 1 1v10.5a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1z",
};
// Signal and Messenger open the share sheet but keep their own logos (fetched).

const loaded = new Map();

function brandIcon(channel) {
  let icon = loaded.get(channel);
  if (!icon) {
    // Written this way so bundlers (Vite, webpack) see the folder and copy the files.
    icon = fetch(new URL(`./icons/${channel}.svg`, import.meta.url))
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${r.status}`))))
      .then((text) => ({
        viewBox: /viewBox="([^"]+)"/.exec(text)?.[1] ?? "0 0 24 24",
        paths: [...text.matchAll(/ d="([^"]+)"/g)].map((m) => m[1]),
      }));
    loaded.set(channel, icon);
    // A failed load may be retried by a later render (offline a moment ago).
    icon.catch(() => loaded.delete(channel));
  }
  return icon;
}

function fill(svg, { viewBox, paths, evenOdd }) {
  svg.setAttribute("viewBox", viewBox);
  for (const d of paths) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    if (evenOdd) path.setAttribute("fill-rule", "evenodd");
    svg.append(path);
  }
}

/**
 * An `<svg>` for `channel`, hidden from assistive technology (the button is named). Brand
 * paths arrive asynchronously; if they cannot be loaded, `onMissing` runs so the button
 * shows its label instead.
 */
export function iconFor(channel, onMissing) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "lanterne-icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const generic = GENERIC[channel];
  if (generic) {
    fill(svg, { viewBox: "0 0 24 24", paths: [generic], evenOdd: true });
  } else {
    svg.setAttribute("viewBox", "0 0 24 24");
    brandIcon(channel).then((icon) => fill(svg, icon), onMissing);
  }
  return svg;
}
