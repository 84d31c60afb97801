// A plain app that uses lanterne the npm way; tests/e2e/bundlers.test.mjs builds it with
// esbuild, Rollup and Parcel, and serves it with Vite's dev server.
import { start } from "lanterne";

// Test hook: the lazy modules are checked through the app's own `start`.
window.__lanterneStart = start;

start({ endpoint: "/collect" }).then((tracker) => {
  tracker.renderButtons(document.getElementById("share"), { channels: ["whatsapp", "telegram", "signal", "bluesky", "email", "copy_link"] });
  window.__tracker = tracker;
  window.__lanterneReady = true;
});
