// Served under /app/ (the end-to-end test serves the build there). Vite 8 compiles JSX
// with Oxc, automatic runtime, by default: no plugin needed for a production build.
export default {
  base: "/app/",
  build: { target: "es2022" },
};
