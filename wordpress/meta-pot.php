<?php
/**
 * The strings WordPress translates from outside the code, as a .pot fragment (used by
 * wordpress/i18n.sh): the plugin header's Name, Description and Author (the plugin list),
 * and block.json's title, description and keywords with the contexts WordPress's
 * block.json i18n schema gives them ("block title", "block description", "block keyword").
 * Run from wordpress/lanterne/.
 */

$q = fn( $s ) => '"' . addcslashes( $s, "\"\\\n" ) . '"';
$out = "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n";
$header = file_get_contents( 'lanterne.php' );
foreach ( array( 'Plugin Name', 'Description', 'Author' ) as $field ) {
	if ( preg_match( '/^[ \t\/*#@]*' . preg_quote( $field, '/' ) . ':(.*)$/mi', $header, $m ) ) {
		$out .= "#. $field of the plugin\n#: lanterne.php\nmsgid " . $q( trim( $m[1] ) ) . "\nmsgstr \"\"\n\n";
	}
}
$block = json_decode( file_get_contents( 'blocks/share/block.json' ), true );
$entries = array( array( 'block title', $block['title'] ), array( 'block description', $block['description'] ) );
foreach ( $block['keywords'] ?? array() as $keyword ) {
	$entries[] = array( 'block keyword', $keyword );
}
foreach ( $entries as list( $context, $text ) ) {
	$out .= "#: blocks/share/block.json\nmsgctxt " . $q( $context ) . "\nmsgid " . $q( $text ) . "\nmsgstr \"\"\n\n";
}
echo $out;
