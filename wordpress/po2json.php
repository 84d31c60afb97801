<?php
/**
 * A catalogue's messages of one script as the JSON WordPress loads for it
 * (wp_set_script_translations(); the format of `wp i18n make-json`), used by
 * scripts/wordpress.sh: php wordpress/po2json.php LOCALE.po SCRIPT > DOMAIN-LOCALE-MD5.json
 * SCRIPT is the script's path in the plugin (blocks/share/editor.js): only messages with
 * a reference to it are kept. Plain PHP: no WP-CLI needed.
 */

list( , $po, $script ) = $argv;
$entries  = preg_split( '/\n\s*\n/', str_replace( "\r\n", "\n", file_get_contents( $po ) ) );
$unquote  = fn( $lines ) => implode( '', array_map( fn( $l ) => stripcslashes( substr( trim( $l ), 1, -1 ) ), $lines ) );
$messages = array();
$header   = array();
foreach ( $entries as $entry ) {
	$field = null;
	$parts = array( 'refs' => '' );
	foreach ( explode( "\n", $entry ) as $line ) {
		if ( str_starts_with( $line, '#:' ) ) {
			$parts['refs'] .= ' ' . substr( $line, 2 );
		} elseif ( str_starts_with( $line, '#' ) ) {
			continue;
		} elseif ( preg_match( '/^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$/', $line, $m ) ) {
			$field             = $m[1];
			$parts[ $field ]   = array( $m[2] );
		} elseif ( null !== $field && str_starts_with( trim( $line ), '"' ) ) {
			$parts[ $field ][] = $line;
		}
	}
	if ( ! isset( $parts['msgid'] ) ) {
		continue;
	}
	$id = $unquote( $parts['msgid'] );
	if ( '' === $id ) {
		$header = $unquote( $parts['msgstr'] );
		continue;
	}
	if ( ! preg_match( '#(^|\s)' . preg_quote( $script, '#' ) . '(:\d+)?(\s|$)#', $parts['refs'] ) ) {
		continue;
	}
	$key   = isset( $parts['msgctxt'] ) ? $unquote( $parts['msgctxt'] ) . "\4" . $id : $id;
	$forms = isset( $parts['msgstr'] ) ? array( $unquote( $parts['msgstr'] ) ) : array();
	for ( $i = 0; isset( $parts[ "msgstr[$i]" ] ); $i++ ) {
		$forms[] = $unquote( $parts[ "msgstr[$i]" ] );
	}
	$messages[ $key ] = $forms;
}
preg_match( '/^Language: *(.*)$/m', $header, $lang );
preg_match( '/^Plural-Forms: *(.*)$/m', $header, $plural );
$json = array(
	'domain'      => 'messages',
	'locale_data' => array(
		'messages' => array_merge(
			array(
				'' => array(
					'domain'       => 'messages',
					'lang'         => trim( $lang[1] ?? '' ),
					'plural-forms' => trim( $plural[1] ?? 'nplurals=2; plural=(n != 1);' ),
				),
			),
			$messages
		),
	),
);
echo json_encode( $json, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ), "\n";
