#!/usr/bin/env bash
# The plugin's translations (GNU gettext, Debian package gettext):
#   bash wordpress/i18n.sh          refresh languages/lanterne.pot from the sources and
#                                   merge it into each .po (then translate what is new)
#   bash wordpress/i18n.sh --check  fail unless the .pot is up to date and every .po
#                                   translates everything (the test command runs it)
set -euo pipefail
cd "$(dirname "$0")/lanterne"
pot=$(mktemp)
trap 'rm -f "$pot"' EXIT
xgettext --from-code=UTF-8 --language=PHP -k -k__ -k_e -kesc_html__ -kesc_html_e -kesc_attr__ -kesc_attr_e -k_n:1,2 -k_x:1,2c \
  --add-comments=translators: --package-name=lanterne --package-version=0.1.0 --sort-by-file \
  --msgid-bugs-address="https://github.com/lanterne/lanterne/issues" -o "$pot" $(find . -name "*.php" | sort)
xgettext --from-code=UTF-8 --language=JavaScript -k__ --join-existing -o "$pot" blocks/share/editor.js
# What WordPress translates outside the code: the plugin's header (the plugin list) and
# block.json's title, description and keywords, with the contexts WordPress gives them.
meta=$(mktemp)
trap 'rm -f "$pot" "$meta"' EXIT
php ../meta-pot.php > "$meta"
sed -i "s/charset=CHARSET/charset=UTF-8/" "$pot"
msgcat --use-first -o "$pot" "$pot" "$meta"
ids() { msgcat --no-location --no-wrap --sort-output "$1" | grep -E '^msgid(_plural)? '; }
if [ "${1:-}" = "--check" ]; then
  status=0
  diff <(ids "$pot") <(ids languages/lanterne.pot) >/dev/null || { echo "languages/lanterne.pot is out of date: bash wordpress/i18n.sh"; status=1; }
  for po in languages/*.po; do
    stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1)
    case "$stats" in *untranslated*|*fuzzy*) echo "$po: $stats"; status=1;; esac
    diff <(ids "$pot") <(ids "$po") >/dev/null || { echo "$po lacks messages of the sources: bash wordpress/i18n.sh"; status=1; }
  done
  [ $status -eq 0 ] && echo "translations: up to date, complete"
  exit $status
fi
cp "$pot" languages/lanterne.pot
for po in languages/*.po; do msgmerge --quiet --update --backup=none "$po" languages/lanterne.pot; done
echo "refreshed languages/lanterne.pot and merged it into languages/*.po"
