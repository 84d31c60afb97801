// A static build served under /app (the end-to-end test serves dist/ there).
// inlineStylesheets "never": Astro's default ("auto") puts small stylesheets in <style>
// elements, which a strict CSP (style-src 'self') refuses.
import { defineConfig } from "astro/config";

export default defineConfig({
  base: "/app",
  trailingSlash: "always",
  build: { inlineStylesheets: "never" },
});
