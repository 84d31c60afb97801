// An app that uses lanterne the npm way; the end-to-end test builds it with webpack 5.
import { start } from "lanterne";

// Test hook: the lazy modules are checked through the app's own `start`.
window.__lanterneStart = start;

start({ endpoint: "/collect", addressBar: false }).then((tracker) => {
  tracker.renderButtons(document.getElementById("share"), { channels: ["whatsapp", "telegram", "copy_link"] });
  // For the end-to-end test.
  window.__tracker = tracker;
  window.__lanterneReady = true;
});
