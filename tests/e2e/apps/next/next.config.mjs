// The lanterne endpoint of docs/npm.md#nextjs-app-router's recipe is "/collect":
// rewritten here to the collector (the test starts one and sets LANTERNE_COLLECTOR before
// `next build` or `next dev`; the rewrite is fixed at build time).
import { realpathSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const app = dirname(fileURLToPath(import.meta.url));

// The test links node_modules/* to the repository's node_modules and lanterne to its
// pkg/, both outside this folder: Turbopack resolves no file outside its roots unless
// told (next.config "turbopack", "Additional roots"), and resolving next's own
// dependencies (@swc/helpers, beside it) needs the folder above node_modules, so the
// root added is the repository's. An installed app needs none of this.
const repository = dirname(dirname(realpathSync(join(app, "node_modules", "next"))));
const linked = relative(app, repository).startsWith("..");

/** @type {import("next").NextConfig} */
export default {
  experimental: { turbopackAdditionalRoots: linked ? { repository: { path: repository } } : {} },
  async rewrites() {
    return [{ source: "/collect", destination: `${process.env.LANTERNE_COLLECTOR}/collect` }];
  },
};
