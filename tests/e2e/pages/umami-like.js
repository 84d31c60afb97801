// A test fixture that watches history the way Umami's tracker (script.js, v2) does:
// it replaces history.pushState and history.replaceState with wrappers, builds the
// page's URL from the URL given, the whole URL hash included (Umami's default; its
// data-exclude-hash="true" drops the hash), and counts a page view when it differs
// from the last one, 300 ms later, with the URL it captured. It does not listen to
// popstate. Inert unless window.__spa.analytics === "umami".
(() => {
  const spa = window.__spa || {};
  if (spa.analytics !== "umami") return;
  const views = (window.__pageviews = window.__pageviews || []);
  const excludeHash = spa.excludeHash === true;
  const address = (url) => {
    const u = new URL(url, location.href);
    if (excludeHash) u.hash = "";
    return u.toString();
  };
  let current = address(location.href);
  views.push(current);
  const hook = (method) => {
    const original = history[method];
    history[method] = function (state, title, url) {
      if (url) {
        const next = address(url);
        if (next !== current) {
          current = next;
          setTimeout(() => views.push(next), 300);
        }
      }
      return original.apply(this, arguments);
    };
  };
  hook("pushState");
  hook("replaceState");
})();
