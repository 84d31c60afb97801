<?php
/**
 * The front end: the tracker script on public pages only, its config as data-*
 * attributes, and the share shortcode.
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

/**
 * Enqueues the tracker on the front end (never in wp-admin or the editor).
 */
function lanterne_enqueue() {
	if ( is_admin() ) {
		return;
	}
	wp_enqueue_style( 'lanterne', plugins_url( 'assets/lanterne.css', LANTERNE_FILE ), array(), LANTERNE_VERSION );
	wp_enqueue_script(
		'lanterne',
		plugins_url( 'assets/lanterne.classic.js', LANTERNE_FILE ),
		array(),
		LANTERNE_VERSION,
		array( 'strategy' => 'defer' )
	);
}
add_action( 'wp_enqueue_scripts', 'lanterne_enqueue' );

/**
 * The tracker's config, as the script tag's data-* attributes.
 *
 * @return array<string, string> Attribute name => value.
 */
function lanterne_script_attributes() {
	return array(
		'data-endpoint' => esc_url_raw( rest_url( 'lanterne/v1/collect' ) ),
	);
}

/**
 * Puts the config on lanterne's script tag.
 *
 * @param string $tag    The script tag.
 * @param string $handle Its handle.
 * @return string The tag.
 */
function lanterne_script_tag( $tag, $handle ) {
	if ( 'lanterne' !== $handle ) {
		return $tag;
	}
	$attributes = '';
	foreach ( lanterne_script_attributes() as $name => $value ) {
		$attributes .= ' ' . $name . '="' . esc_attr( $value ) . '"';
	}
	return preg_replace( '/<script\b/', '<script' . $attributes, $tag, 1 );
}
add_filter( 'script_loader_tag', 'lanterne_script_tag', 10, 2 );
