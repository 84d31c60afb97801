// lanterne starts once, before the first render; components get the tracker from context.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { start } from "lanterne";
import { App } from "./App.jsx";
import { TrackerContext } from "./tracker.js";

const tracker = await start({ endpoint: "/collect" });
// For the end-to-end test (start() from npm fires no lanterne:ready event).
window.__tracker = tracker;
window.__lanterneReady = true;

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <TrackerContext value={tracker}>
      <BrowserRouter basename="/app">
        <App />
      </BrowserRouter>
    </TrackerContext>
  </StrictMode>,
);
