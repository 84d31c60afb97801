// A real WordPress for the plugin's end-to-end tests, offline (reference: integrations.md):
// WordPress 6.5 and the SQLite Database Integration plugin from the npm package
// @wp-playground/wordpress-builds (158 MB, downloaded once into the cache folder), PHP's
// built-in server from Debian's php-cli, a fresh site in a temporary folder per call.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./harness.mjs";

const BUILDS = "@wp-playground/wordpress-builds@0.9.19";
const VERSION = "6.5";
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "lanterne", "wordpress");

/** The unpacked WordPress and SQLite plugin, downloaded and unpacked once (cached). */
export function wordpressBuild() {
  const tree = join(CACHE, `wp-${VERSION}`);
  if (existsSync(join(tree, "ready"))) return tree;
  mkdirSync(CACHE, { recursive: true });
  const tarball = join(CACHE, "wp-playground-wordpress-builds-0.9.19.tgz");
  if (!existsSync(tarball)) execFileSync("npm", ["pack", BUILDS, "--silent"], { cwd: CACHE, stdio: "ignore" });
  rmSync(tree, { recursive: true, force: true });
  const work = mkdtempSync(join(CACHE, "unpack-"));
  execFileSync("tar", ["xzf", tarball, "-C", work, `package/src/wordpress/wp-${VERSION}.zip`, "package/src/sqlite-database-integration/sqlite-database-integration.zip"]);
  mkdirSync(tree);
  execFileSync("unzip", ["-q", join(work, `package/src/wordpress/wp-${VERSION}.zip`), "-d", join(tree, "site")]);
  execFileSync("unzip", ["-q", join(work, "package/src/sqlite-database-integration/sqlite-database-integration.zip"), "-d", join(tree, "sqlite")]);
  rmSync(work, { recursive: true, force: true });
  fillStaticFiles(join(tree, "site"));
  writeFileSync(join(tree, "ready"), "");
  return tree;
}

/**
 * The Playground build leaves out WordPress's static files (wp-admin's stylesheets, icon
 * fonts, jQuery…: listed in wordpress-remote-asset-paths; Playground fetches them from the
 * network), so wp-admin would be unstyled. Those Debian's `wordpress` package has (6.1.9)
 * are put in their place, but the block editor's scripts (wp-includes/js/dist), which
 * must match the PHP's version: the editor does not run here.
 */
function fillStaticFiles(site) {
  const debian = join(CACHE, "debian-wordpress");
  if (!existsSync(join(debian, "usr/share/wordpress"))) {
    const download = mkdtempSync(join(CACHE, "deb-"));
    execFileSync("apt-get", ["download", "wordpress"], { cwd: download, stdio: "ignore" });
    const deb = readdirSync(download).find((name) => name.endsWith(".deb"));
    execFileSync("dpkg-deb", ["-x", join(download, deb), debian]);
    rmSync(download, { recursive: true, force: true });
  }
  const from = join(debian, "usr/share/wordpress");
  for (const path of readFileSync(join(site, "wordpress-remote-asset-paths"), "utf8").split("\n")) {
    if (!path || path.startsWith("wp-includes/js/dist/") || existsSync(join(site, path))) continue;
    try {
      cpSync(join(from, path), join(site, path), { dereference: true, recursive: true });
    } catch {
      // Not in Debian's package either (or a link to a file it does not ship).
    }
  }
}

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

/**
 * A fresh WordPress site with the plugin folder `plugin` (default: the repo's
 * wordpress/lanterne) linked in, installed and served; `stop()` ends it.
 * `php(code)` runs PHP with WordPress loaded and returns its output. `locale` (fr_FR…)
 * makes a site in that language: WordPress's own catalogues are not there offline (its
 * own strings stay English), the plugin's are.
 */
export async function startWordPress({ plugin = join(root, "wordpress", "lanterne"), activate = false, locale } = {}) {
  const build = wordpressBuild();
  const dir = mkdtempSync(join(tmpdir(), "lanterne-wp-"));
  const site = join(dir, "site");
  cpSync(join(build, "site"), site, { recursive: true });
  // The site's root may be the zip's own folder.
  const wp = site;
  const sqlite = join(wp, "wp-content", "plugins", "sqlite-database-integration");
  // The zip holds one folder (its name varies with the build): the plugin.
  const sqliteSource = join(build, "sqlite", readdirSync(join(build, "sqlite")).find((name) => existsSync(join(build, "sqlite", name, "load.php"))) ?? "");
  cpSync(sqliteSource, sqlite, { recursive: true });
  const dropIn = readFileSync(join(sqlite, "db.copy"), "utf8")
    .replaceAll("{SQLITE_IMPLEMENTATION_FOLDER_PATH}", sqlite)
    .replaceAll("{SQLITE_PLUGIN}", "sqlite-database-integration/load.php");
  writeFileSync(join(wp, "wp-content", "db.php"), dropIn);
  if (plugin) symlinkSync(plugin, join(wp, "wp-content", "plugins", "lanterne"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = readFileSync(join(wp, "wp-config-sample.php"), "utf8").replace("define( 'WP_DEBUG', false );", "").replace(
    "/* That's all, stop editing! Happy publishing. */",
    `define('DB_DIR', ${JSON.stringify(join(dir, "db"))});\ndefine('DB_FILE', 'site.sqlite');\ndefine('WP_HOME', '${url}');\ndefine('WP_SITEURL', '${url}');\ndefine('WP_DEBUG', true);\ndefine('WP_DEBUG_LOG', ${JSON.stringify(join(dir, "debug.log"))});\ndefine('WP_DEBUG_DISPLAY', false);\n/* That's all, stop editing! Happy publishing. */`,
  );
  writeFileSync(join(wp, "wp-config.php"), config);
  mkdirSync(join(dir, "db"));
  // The test site is offline: no mail, no update checks, no request to another host.
  mkdirSync(join(wp, "wp-content", "mu-plugins"), { recursive: true });
  writeFileSync(join(wp, "wp-content", "mu-plugins", "offline.php"), `<?php
add_filter('pre_wp_mail', '__return_false');
foreach (array('_maybe_update_core', '_maybe_update_plugins', '_maybe_update_themes') as $check) { remove_action('admin_init', $check); }
foreach (array('load-plugins.php' => 'wp_update_plugins', 'load-update.php' => 'wp_update_plugins', 'load-themes.php' => 'wp_update_themes', 'wp_update_plugins' => 'wp_update_plugins', 'wp_update_themes' => 'wp_update_themes', 'wp_version_check' => 'wp_version_check') as $hook => $check) { remove_action($hook, $check); }
remove_action('load-update-core.php', 'wp_update_plugins'); remove_action('load-update-core.php', 'wp_update_themes');
remove_action('init', 'wp_schedule_update_checks');
add_filter('pre_http_request', function ($pre, $args, $url) { return str_starts_with($url, home_url()) ? $pre : new WP_Error('offline', 'the test site is offline'); }, 10, 3);
`);
  if (locale) writeFileSync(join(wp, "wp-content", "mu-plugins", "locale.php"), `<?php add_filter('locale', fn() => ${JSON.stringify(locale)});\n`);
  const php = (code) => execFileSync("php", ["-d", "display_errors=stderr", "-r", `define('ABSPATH_ROOT', ${JSON.stringify(wp + "/")}); $_SERVER['HTTP_HOST'] = '127.0.0.1:${port}'; ${code}`], { cwd: wp, encoding: "utf8" });
  php(`define('WP_INSTALLING', true); require ABSPATH_ROOT . 'wp-load.php'; require_once ABSPATH_ROOT . 'wp-admin/includes/upgrade.php';
    wp_install('lanterne test blog', 'admin', 'admin@example.com', true, '', 'admin password 1234');
    update_option('permalink_structure', '/%postname%/');
    update_option('show_avatars', 0); // Gravatar: a third party, WordPress's own
    wp_create_user('reader', 'reader password 1234', 'reader@example.com');`);
  if (activate) php(`require ABSPATH_ROOT . 'wp-load.php'; require_once ABSPATH_ROOT . 'wp-admin/includes/plugin.php'; $r = activate_plugin('lanterne/lanterne.php'); if (is_wp_error($r)) { fwrite(STDERR, $r->get_error_message()); exit(1); }`);
  // One request at a time: WordPress on SQLite answers "database is locked" to requests
  // that write at once (wp-admin's own background requests do). Its own process group,
  // so that it stops with everything it started.
  const server = spawn("php", ["-S", `127.0.0.1:${port}`, "-t", wp], { cwd: wp, stdio: "ignore", detached: true });
  const kill = () => { try { process.kill(-server.pid, "SIGTERM"); } catch {} };
  process.once("exit", kill);
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/wp-login.php`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    dir: wp,
    php: (code) => php(`require ABSPATH_ROOT . 'wp-load.php'; ${code}`),
    // PHP's notices, but WordPress's own about static files the offline build lacks
    // (classic-themes.min.css…: Playground fetches them from the network).
    debugLog: () => (existsSync(join(dir, "debug.log")) ? readFileSync(join(dir, "debug.log"), "utf8") : "")
      .split("\n").filter((line) => line && !/file_get_contents\(\S+\/wp-includes\/css\/\S+\): Failed to open stream/.test(line)).join("\n"),
    stop: async () => {
      const exited = new Promise((r) => server.once("exit", r));
      kill();
      await exited;
      process.off("exit", kill);
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
