// An app that uses lanterne the npm way; the bundler test builds it with Vite.
import { start } from "lanterne";

window.__tracker = await start({ endpoint: "/collect", addressBar: false });
window.__lanterneReady = true;
