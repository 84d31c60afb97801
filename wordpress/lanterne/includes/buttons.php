<?php
/**
 * Share buttons on the server: a `data-lanterne-share` container holding plain links
 * that work without JavaScript (lanterne swaps them for its buttons when it starts).
 * The links come from lanterne's own share templates (includes/share-links.json, made
 * by `cargo run --example share_templates` at build time).
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

/** Channels when none are given. */
const LANTERNE_DEFAULT_CHANNELS = array( 'whatsapp', 'telegram', 'signal', 'sms', 'email', 'copy_link' ); // lanterne's own default.

/**
 * Every share button lanterne has, by channel id, with its share link (null for the
 * channels that need the script).
 *
 * @return array<string, array{name: string, href: string|null, new_tab: bool}> By channel id.
 */
function lanterne_share_links() {
	static $links = null;
	if ( null === $links ) {
		$json  = file_get_contents( LANTERNE_DIR . '/includes/share-links.json' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a file of the plugin.
		$links = is_string( $json ) ? json_decode( $json, true ) : array();
		$links = is_array( $links ) ? $links : array();
	}
	return $links;
}

/**
 * A list of channel ids from text ("whatsapp, email"): known ones, in order, once each.
 *
 * @param mixed $text The list, comma-separated.
 * @return string[] Channel ids.
 */
function lanterne_sanitize_channels( $text ) {
	if ( ! is_string( $text ) ) {
		return array();
	}
	$known = array_keys( lanterne_share_links() );
	$out   = array();
	foreach ( explode( ',', strtolower( $text ) ) as $id ) {
		$id = trim( $id );
		if ( in_array( $id, $known, true ) && ! in_array( $id, $out, true ) ) {
			$out[] = $id;
		}
	}
	return $out;
}

/**
 * The share link of one channel for a page, or null for a script-only channel.
 *
 * @param string $channel A channel id.
 * @param string $url     The page's URL.
 * @param string $title   Its title.
 * @return string|null The link.
 */
function lanterne_share_link( $channel, $url, $title ) {
	$links = lanterne_share_links();
	if ( ! isset( $links[ $channel ]['href'] ) ) {
		return null; // No channel, or one that needs the script.
	}
	return strtr(
		$links[ $channel ]['href'],
		array(
			'%01U' => rawurlencode( $url ),
			'%01T' => rawurlencode( $title ),
		)
	);
}

/**
 * A button's words, as lanterne's core writes them: "Share by email", "Share by SMS",
 * "Share on" a network or an app.
 *
 * @param string $channel A channel id.
 * @return string
 */
function lanterne_share_label( $channel ) {
	if ( 'email' === $channel ) {
		return __( 'Share by email', 'lanterne' );
	}
	if ( 'sms' === $channel ) {
		return __( 'Share by SMS', 'lanterne' );
	}
	$links = lanterne_share_links();
	/* translators: %s: a messenger or network, such as WhatsApp. */
	return sprintf( __( 'Share on %s', 'lanterne' ), $links[ $channel ]['name'] ?? $channel );
}

/**
 * The container of share buttons for a post, with its fallback links.
 *
 * @param string[]         $channels Channel ids (sanitised).
 * @param int|WP_Post|null $post     The post (default: the current one).
 * @return string HTML.
 */
function lanterne_buttons_html( $channels, $post = null ) {
	$post = get_post( $post );
	if ( ! $post ) {
		return '';
	}
	$channels = $channels ? $channels : (array) lanterne_option( 'lanterne_channels' );
	$url      = get_permalink( $post );
	// The title as text: as written (get_the_title() would make typographic quotes),
	// without tags, its entities decoded (WordPress may store `&` as `&amp;`).
	$title    = html_entity_decode( wp_strip_all_tags( get_post_field( 'post_title', $post, 'raw' ) ), ENT_QUOTES | ENT_HTML5, 'UTF-8' );
	$links    = lanterne_share_links();
	$html     = '<div class="lanterne-share" data-lanterne-share data-channels="' . esc_attr( implode( ',', $channels ) ) . '"'
		. ' data-url="' . esc_url( $url ) . '" data-title="' . esc_attr( $title ) . '">';
	foreach ( $channels as $channel ) {
		$link = lanterne_share_link( $channel, $url, $title );
		if ( null === $link ) {
			// A channel that needs the script (the share sheet, copy link) waits in its
			// place, so lanterne's row takes the space the links held.
			$html .= '<button type="button" disabled data-channel="' . esc_attr( $channel ) . '">'
				. esc_html( lanterne_share_label( $channel ) ) . '</button> ';
			continue;
		}
		$new_tab = ! empty( $links[ $channel ]['new_tab'] );
		// esc_attr, not esc_url: esc_url drops every %0A, the line breaks of a message.
		// The link is lanterne's own template (its scheme fixed) with encoded values.
		$html   .= '<a href="' . esc_attr( $link ) . '" data-channel="' . esc_attr( $channel ) . '"'
			. ( $new_tab ? ' target="_blank" rel="noopener noreferrer"' : '' ) . '>'
			. esc_html( lanterne_share_label( $channel ) ) . '</a> ';
	}
	return $html . '</div>';
}

/**
 * `[lanterne_share channels="whatsapp,email"]`.
 *
 * @param array<string, string>|string $attributes The shortcode's attributes.
 * @return string HTML.
 */
function lanterne_shortcode( $attributes ) {
	$attributes = shortcode_atts( array( 'channels' => '' ), $attributes, 'lanterne_share' );
	return lanterne_buttons_html( lanterne_sanitize_channels( $attributes['channels'] ) );
}
add_shortcode( 'lanterne_share', 'lanterne_shortcode' );
