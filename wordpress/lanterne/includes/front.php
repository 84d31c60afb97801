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
 * The tracker's config from the settings, as the script tag's data-* attributes
 * (lanterne's docs/options.md#options).
 *
 * @return array<string, string> Attribute name => value.
 */
function lanterne_script_attributes() {
	$destination = lanterne_option( 'lanterne_destination' );
	$endpoint    = lanterne_option( 'lanterne_endpoint' );
	$attributes  = array();
	if ( 'site' === $destination || ( 'ga4' !== $destination && '' === $endpoint ) ) {
		// The built-in collection; also what a destination without its endpoint falls back
		// to (the settings refuse one, but an option may be set otherwise).
		$attributes['data-endpoint'] = rest_url( 'lanterne/v1/collect' );
	} elseif ( 'ga4' === $destination ) {
		$attributes['data-format'] = 'ga4';
	} else {
		$attributes['data-endpoint'] = $endpoint;
		if ( 'collector' !== $destination ) {
			$attributes['data-format'] = $destination;
			$attributes['data-site']   = lanterne_option( 'lanterne_site_id' );
		}
	}
	$attributes['data-channels']    = implode( ',', (array) lanterne_option( 'lanterne_channels' ) );
	$attributes['data-address-bar'] = lanterne_option( 'lanterne_address_bar' ) ? 'true' : 'false';
	$attributes['data-attribution'] = lanterne_option( 'lanterne_attribution' ) ? 'true' : 'false';
	$attributes['data-consent']     = lanterne_option( 'lanterne_consent' );
	$campaign                       = lanterne_option( 'lanterne_utm_campaign' );
	if ( '' !== $campaign ) {
		$attributes['data-utm-campaign'] = $campaign;
	}
	if ( ! lanterne_is_deep_page() ) {
		// The tracker's sourceless landings are for deep pages: WordPress knows which
		// views are section fronts better than path patterns do.
		$attributes['data-landings'] = 'false';
	}
	return $attributes;
}

/**
 * Whether this view is a deep page, where a visit with no referrer and no token is a
 * sourceless landing: a post, a page or an attachment, not the front page. The blog's
 * page, archives (categories, tags, dates, authors), search results and 404s are not.
 *
 * @return bool
 */
function lanterne_is_deep_page() {
	/**
	 * Filters whether the tracker counts sourceless landings on this view.
	 *
	 * @param bool $deep True on singular views but the front page.
	 */
	return (bool) apply_filters( 'lanterne_landings', is_singular() && ! is_front_page() );
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
		$value       = 'data-endpoint' === $name ? esc_url( $value ) : esc_attr( $value );
		$attributes .= ' ' . $name . '="' . $value . '"';
	}
	// Inserted as plain text after the tag's name: no replacement string (a setting
	// holding `$0` or `\1` would be read as a back-reference by preg_replace).
	$at = strpos( $tag, '<script' );
	return false === $at ? $tag : substr_replace( $tag, $attributes, $at + strlen( '<script' ), 0 );
}
add_filter( 'script_loader_tag', 'lanterne_script_tag', 10, 2 );

/**
 * Preload hints for what the deferred loader fetches one after the other (the module,
 * then its WebAssembly): both start downloading with the page (lanterne's
 * docs/performance.md#speed). Front end only, where the script is.
 *
 * @param array<int, array<string, string>> $resources Resources to preload.
 * @return array<int, array<string, string>> The same, and lanterne's WebAssembly.
 */
function lanterne_preload_resources( $resources ) {
	if ( is_admin() || ! wp_script_is( 'lanterne', 'enqueued' ) ) {
		return $resources;
	}
	$resources[] = array(
		'href'        => plugins_url( 'assets/lanterne_core_bg.wasm', LANTERNE_FILE ),
		'as'          => 'fetch',
		'crossorigin' => 'anonymous',
	);
	return $resources;
}
add_filter( 'wp_preload_resources', 'lanterne_preload_resources' );

/**
 * The module's own hint, `modulepreload` (which `wp_preload_resources` cannot print):
 * fetched and compiled with the page, before the deferred loader asks for it.
 */
function lanterne_modulepreload() {
	if ( is_admin() || ! wp_script_is( 'lanterne', 'enqueued' ) ) {
		return;
	}
	printf( "<link rel=\"modulepreload\" href=\"%s\" />\n", esc_url( plugins_url( 'assets/lanterne.js', LANTERNE_FILE ) ) );
}
add_action( 'wp_head', 'lanterne_modulepreload', 2 );
