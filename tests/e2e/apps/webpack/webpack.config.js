// webpack 5, production: no eval devtool, no inline script, so the page runs under
// `script-src 'self' 'wasm-unsafe-eval'`. lanterne locates its wasm, stylesheet and icons
// with `new URL("…", import.meta.url)`, which webpack emits as assets by itself.
import { fileURLToPath } from "node:url";

export default {
  mode: "production",
  devtool: false,
  context: fileURLToPath(new URL(".", import.meta.url)),
  entry: "./src/index.js",
  output: {
    path: fileURLToPath(new URL("./dist", import.meta.url)),
    filename: "main.js",
    assetModuleFilename: "[name]-[contenthash:8][ext]",
    clean: true,
  },
};
