// Plausible's own tracker from npm (@plausible-analytics/tracker), in history or hash
// mode, when the test picked it. Every request it makes is recorded in
// window.__pageviews ({ n, u, h }); tests/e2e/analytics.test.mjs answers them.
import { init } from "/vendor/plausible/plausible.js";

const spa = window.__spa || {};
window.__pageviews = window.__pageviews || [];
if (spa.analytics === "plausible" || spa.analytics === "plausible-hash") {
  window.__plausible = true; // it ignores automated browsers otherwise
  init({
    domain: "spa.example",
    endpoint: "/fake/plausible",
    captureOnLocalhost: true,
    hashBasedRouting: spa.analytics === "plausible-hash",
    logging: false,
    transformRequest(request) {
      if (request.n === "pageview") window.__pageviews.push(request.u);
      return request;
    },
  });
}
