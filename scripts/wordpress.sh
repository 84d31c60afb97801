#!/usr/bin/env bash
# Builds the WordPress plugin: target/wordpress/lanterne/ (the plugin's PHP from
# wordpress/lanterne/ and the built package from pkg/ in assets/) and its installable zip,
# target/wordpress/lanterne-<version>.zip. Run scripts/build.sh first (the test command
# does), or pass --build to run it here.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--build" ] && bash scripts/build.sh
[ -f pkg/lanterne_core_bg.wasm ] || { echo "pkg/ is not built: bash scripts/build.sh"; exit 1; }
out=target/wordpress
rm -rf "$out/lanterne"
mkdir -p "$out/lanterne/assets"
cp -r wordpress/lanterne/. "$out/lanterne/"
cp pkg/lanterne.js pkg/lanterne.classic.js pkg/lanterne_core_bg.wasm pkg/lanterne.css "$out/lanterne/assets/"
cp -r pkg/rare "$out/lanterne/assets/rare"
cp -r pkg/formats "$out/lanterne/assets/formats"
cp -r pkg/icons "$out/lanterne/assets/icons"
# The fallback links, from the core's share templates (one source for both).
cargo run -q --example share_templates > "$out/lanterne/includes/share-links.json"
# Translations: the catalogues compiled (French is complete: wordpress/i18n.sh --check).
for po in wordpress/lanterne/languages/*.po; do
  msgfmt --check -o "$out/lanterne/languages/$(basename "${po%.po}").mo" "$po"
  # The block editor's strings, as the JSON WordPress loads for its script (named by
  # the md5 of the script's path in the plugin, as load_script_textdomain() looks it up).
  php wordpress/po2json.php "$po" blocks/share/editor.js \
    > "$out/lanterne/languages/$(basename "${po%.po}")-$(printf %s blocks/share/editor.js | md5sum | cut -c1-32).json"
done
version=$(sed -n 's/^ \* Version: *//p' wordpress/lanterne/lanterne.php)
rm -f "$out/lanterne-$version.zip"
(cd "$out" && zip -qr "lanterne-$version.zip" lanterne)
echo "$out/lanterne-$version.zip ($(stat -c %s "$out/lanterne-$version.zip") bytes)"
