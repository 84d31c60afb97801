// A single-page app with a router of its own, for tests/e2e/routes.test.mjs and
// analytics.test.mjs. Path routes by default (pushState, popstate), or hash routes
// (`window.__spa.router === "hash"`). Each route is a view built afresh: articles draw a
// row of buttons with renderButtons() inside the view; /about has a declared container.
// The router keeps `{ route, n }` in history.state, as routers keep their own state.
// lanterne starts unless `window.__spa.lanterne === false`, with `window.__spa.config`.
const spa = window.__spa || {};
const hashRouter = spa.router === "hash";
let count = 0;

function route() {
  if (hashRouter) return location.hash.startsWith("#/") ? location.hash.slice(1) : "/";
  return location.pathname.replace(/^\/spa/, "") || "/";
}

function render() {
  const path = route();
  const view = document.createElement("section");
  const article = /^\/articles\/(\d+)$/.exec(path);
  if (article) {
    const n = article[1];
    document.title = `Article ${n} · SPA`;
    view.innerHTML = `<h1>Article ${n}</h1>
      <p id="para-${n}">Article ${n} says that lighthouses were kept by families: see ${location.origin}/spa/articles/9 for more.</p>
      <p><a href="#comments" id="to-comments">Comments</a></p>
      <div class="share"></div>
      <h2 id="comments">Comments</h2>`;
    if (window.__tracker) window.__tracker.renderButtons(view.querySelector(".share"), { channels: ["whatsapp", "email", "copy_link"] });
  } else if (path === "/about") {
    document.title = "About · SPA";
    view.innerHTML = `<h1>About</h1><div data-lanterne-share data-channels="telegram,sms"></div>`;
  } else {
    document.title = "Home · SPA";
    view.innerHTML = `<h1>Home</h1>`;
  }
  document.getElementById("view").replaceChildren(view);
  window.__rendered = path;
}

/** Navigates like the app's links do: pushState (or replaceState), then render. */
window.__go = (path, { replace = false } = {}) => {
  const url = hashRouter ? `#${path}` : `/spa${path}`;
  const state = { route: path, n: ++count };
  if (replace) history.replaceState(state, "", url);
  else history.pushState(state, "", url);
  render();
};

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-link]");
  if (!link) return;
  event.preventDefault();
  window.__go(new URL(link.href).pathname.replace(/^\/spa/, "") || "/");
});
addEventListener(hashRouter ? "hashchange" : "popstate", render);

// The router starts first, as routers do when the app's modules are evaluated (react-
// router and vue-router write their state into the entry then).
if (!hashRouter && history.state === null) history.replaceState({ route: route(), n: 0 }, "");
if (spa.lanterne !== false) {
  const { start } = await import("/pkg/lanterne.js");
  window.__tracker = await start({ endpoint: "/collect", ...spa.config });
}
render();
window.__lanterneReady = true;
