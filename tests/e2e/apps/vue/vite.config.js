// Served under /app/ (the end-to-end test serves the build there).
import vue from "@vitejs/plugin-vue";

export default {
  base: "/app/",
  plugins: [vue()],
  build: { target: "es2022" },
};
