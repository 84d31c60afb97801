// Used by the end-to-end tests: imports lanterne as an npm user would (an ES module with
// `start`), then exposes it to the test.
import * as lanterne from "/pkg/lanterne.js";

window.lanterne = lanterne;
window.__lanterneModuleLoaded = true;
