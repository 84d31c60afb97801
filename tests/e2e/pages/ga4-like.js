// A test fixture that watches history the way Google Analytics 4's enhanced measurement
// ("page changes based on browser history events") does, in the worst case for
// lanterne: loaded async like gtag.js, it counts a page_view when it runs, then wraps
// history.pushState and history.replaceState and listens to popstate, and on each reads
// location.href (the whole URL, fragment included) a moment later, counting a page_view
// when it differs from the last one. Inert unless window.__spa.analytics === "ga4".
(() => {
  const spa = window.__spa || {};
  if (spa.analytics !== "ga4") return;
  const views = (window.__pageviews = window.__pageviews || []);
  let last = location.href;
  views.push(last);
  const check = () => setTimeout(() => {
    if (location.href !== last) {
      last = location.href;
      views.push(last);
    }
  }, 0);
  for (const method of ["pushState", "replaceState"]) {
    const original = history[method];
    history[method] = function () {
      const result = original.apply(this, arguments);
      check();
      return result;
    };
  }
  addEventListener("popstate", check);
})();
