// SvelteKit 3 takes its config here (svelte.config.js is no longer read). Every page is
// prerendered by adapter-static into build/, which the end-to-end test serves under /app.
// `csp` in hash mode, for the build: Kit's inline bootstrap <script> gets its sha256 in a
// <meta http-equiv="content-security-policy"> of each page (the test reads the policy
// there for the collector's header policy, which applies too). Not for the dev server,
// whose own client a script-src without 'unsafe-inline' or blob: would refuse.
// style-src-attr: Kit's route announcer (<div id="svelte-announcer" style="position:
// absolute; …">, mounted on every page) has a style attribute, which style-src 'self'
// refuses; Kit adds no hash for it, so here is its own.
import { sveltekit } from "@sveltejs/kit/vite";
import adapter from "@sveltejs/adapter-static";
import { defineConfig } from "vite";

export default defineConfig(({ command }) => ({
  plugins: [
    sveltekit({
      adapter: adapter(),
      paths: { base: "/app" },
      csp: command === "build" ? {
        mode: "hash",
        directives: {
          "default-src": ["self"],
          "script-src": ["self", "wasm-unsafe-eval"],
          "style-src": ["self"],
          "img-src": ["self", "data:"],
          "connect-src": ["self"],
          "style-src-attr": ["unsafe-hashes", "sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo="],
        },
      } : undefined,
    }),
  ],
}));
