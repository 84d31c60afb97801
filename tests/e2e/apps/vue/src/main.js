// The router first: it reads the address when created, before lanterne puts its token
// there. lanterne starts once, before the app mounts; components inject the tracker.
import { createApp } from "vue";
import { createRouter, createWebHistory } from "vue-router";
import { start } from "lanterne";
import App from "./App.vue";
import Home from "./Home.vue";
import Article from "./Article.vue";
import About from "./About.vue";

const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: "/", component: Home },
    { path: "/articles/:id", component: Article },
    { path: "/about", component: About },
  ],
});

const tracker = await start({ endpoint: "/collect" });
// For the end-to-end test (start() from npm fires no lanterne:ready event).
window.__tracker = tracker;
window.__lanterneReady = true;

createApp(App).provide("lanterne", tracker).use(router).mount("#app");
