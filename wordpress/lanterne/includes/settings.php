<?php
/**
 * Settings → lanterne: where events go, the channels, automatic placement, the address
 * bar, attribution, consent and the UTM campaign. One option each, registered with the
 * Settings API, each with its own sanitize_callback; the form is WordPress's own
 * (options.php: nonce and `manage_options` checked). Defaults work with nothing set.
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

/** Where events may go: the site itself (built-in collection), a collector, or an analytics tool. */
const LANTERNE_DESTINATIONS = array( 'site', 'collector', 'plausible', 'umami', 'matomo', 'ga4' );

/** Post types buttons can be placed after automatically. */
const LANTERNE_PLACEMENTS = array( 'post', 'page' );

/**
 * Every option: its default and its sanitiser.
 *
 * @return array<string, array{0: mixed, 1: callable}>
 */
function lanterne_options() {
	return array(
		'lanterne_destination'   => array( 'site', 'lanterne_sanitize_destination' ),
		'lanterne_endpoint'      => array( '', 'lanterne_sanitize_endpoint' ),
		'lanterne_site_id'       => array( '', 'lanterne_sanitize_site_id' ),
		'lanterne_channels'      => array( LANTERNE_DEFAULT_CHANNELS, 'lanterne_sanitize_channel_option' ),
		'lanterne_placement'     => array( array( 'post' ), 'lanterne_sanitize_placement' ),
		'lanterne_address_bar'   => array( true, 'lanterne_sanitize_flag' ),
		'lanterne_attribution'   => array( false, 'lanterne_sanitize_flag' ),
		'lanterne_consent'       => array( 'granted', 'lanterne_sanitize_consent' ),
		'lanterne_utm_campaign'  => array( '', 'lanterne_sanitize_campaign' ),
		'lanterne_retention_days' => array( 395, 'lanterne_sanitize_retention' ),
		'lanterne_hosts'          => array( array(), 'lanterne_sanitize_hosts' ),
		'lanterne_proxy_header'   => array( '', 'lanterne_sanitize_proxy_header' ),
	);
}

/**
 * An option's value, or its default.
 *
 * @param string $name The option.
 * @return mixed
 */
function lanterne_option( $name ) {
	$options = lanterne_options();
	return get_option( $name, $options[ $name ][0] );
}

/**
 * Reports a refused value on the settings page; the option keeps its stored value.
 *
 * @param string $name    The option.
 * @param string $message What was wrong.
 * @return mixed The stored value.
 */
function lanterne_refuse( $name, $message ) {
	if ( function_exists( 'add_settings_error' ) ) {
		add_settings_error( $name, $name, $message );
	}
	return lanterne_option( $name );
}

/**
 * A destination other than the site or GA4 needs its endpoint: the one submitted with it
 * (options.php has checked the nonce and the capability), else the stored one.
 *
 * @param mixed $value Submitted.
 * @return string One of LANTERNE_DESTINATIONS.
 */
function lanterne_sanitize_destination( $value ) {
	if ( ! in_array( $value, LANTERNE_DESTINATIONS, true ) ) {
		return lanterne_refuse( 'lanterne_destination', __( 'Unknown destination: nothing changed.', 'lanterne' ) );
	}
	// phpcs:ignore WordPress.Security.NonceVerification.Missing -- options.php verified it; the value is only checked here.
	$endpoint = isset( $_POST['lanterne_endpoint'] ) && is_string( $_POST['lanterne_endpoint'] ) ? lanterne_valid_endpoint( sanitize_text_field( wp_unslash( $_POST['lanterne_endpoint'] ) ) ) : lanterne_option( 'lanterne_endpoint' );
	if ( ! in_array( $value, array( 'site', 'ga4' ), true ) && ! $endpoint ) {
		$names = lanterne_destination_names();
		/* translators: %s: a destination, such as Plausible. */
		return lanterne_refuse( 'lanterne_destination', sprintf( __( '%s needs its endpoint: events still go where they went; nothing changed.', 'lanterne' ), $names[ $value ] ) );
	}
	return $value;
}

/**
 * An endpoint if it is an http(s) URL with a host.
 *
 * @param string $value Submitted, trimmed.
 * @return string|null The URL, or null.
 */
function lanterne_valid_endpoint( $value ) {
	// Not wp_http_validate_url(): it resolves the host, and refuses private addresses,
	// where a site's own collector may well be.
	$url   = esc_url_raw( trim( $value ), array( 'http', 'https' ) );
	$parts = wp_parse_url( $url );
	return '' !== $url && ! empty( $parts['host'] ) && preg_match( '#^https?://#i', trim( $value ) ) ? $url : null;
}

/**
 * The destinations, by value, as the settings name them.
 *
 * @return array<string, string>
 */
function lanterne_destination_names() {
	return array(
		'site'      => __( 'This site (built-in: nothing else to run)', 'lanterne' ),
		'collector' => __( 'A lanterne-collector', 'lanterne' ),
		'plausible' => 'Plausible',
		'umami'     => 'Umami',
		'matomo'    => 'Matomo',
		'ga4'       => __( 'Google Analytics 4 (the page\'s gtag)', 'lanterne' ),
	);
}

/**
 * @param mixed $value Submitted: an http(s) URL, or empty.
 * @return string
 */
function lanterne_sanitize_endpoint( $value ) {
	$value = is_string( $value ) ? trim( $value ) : '';
	if ( '' === $value ) {
		return '';
	}
	$url = lanterne_valid_endpoint( $value );
	return null !== $url ? $url : lanterne_refuse( 'lanterne_endpoint', __( 'The endpoint must be an http(s) URL: nothing changed.', 'lanterne' ) );
}

/**
 * @param mixed $value Submitted: the site's id in the analytics tool.
 * @return string
 */
function lanterne_sanitize_site_id( $value ) {
	$value = is_string( $value ) ? trim( $value ) : '';
	return preg_match( '/^[A-Za-z0-9._:-]{0,100}$/D', $value ) ? $value : lanterne_refuse( 'lanterne_site_id', __( 'The site id may hold letters, digits and . _ : - only: nothing changed.', 'lanterne' ) );
}

/**
 * Unknown ids are refused, named, not dropped.
 *
 * @param mixed $value Submitted: channel ids (a list, or comma-separated text).
 * @return string[]
 */
function lanterne_sanitize_channel_option( $value ) {
	$text     = is_array( $value ) ? implode( ',', array_filter( $value, 'is_string' ) ) : ( is_string( $value ) ? $value : '' );
	$ids      = array_filter( array_map( 'trim', explode( ',', strtolower( $text ) ) ), 'strlen' );
	$unknown  = array_diff( $ids, array_keys( lanterne_share_links() ) );
	if ( $unknown ) {
		/* translators: %s: channel ids, comma-separated. */
		return lanterne_refuse( 'lanterne_channels', sprintf( __( 'Unknown channels: %s. Nothing changed.', 'lanterne' ), implode( ', ', array_map( 'sanitize_text_field', $unknown ) ) ) );
	}
	$channels = lanterne_sanitize_channels( $text );
	return $channels ? $channels : lanterne_refuse( 'lanterne_channels', __( 'Choose at least one channel: nothing changed.', 'lanterne' ) );
}

/**
 * Other hosts whose URLs the collect route accepts (the site's own always is).
 *
 * @param mixed $value Submitted: host names separated by commas, spaces or lines.
 * @return string[]
 */
function lanterne_sanitize_hosts( $value ) {
	$text  = is_array( $value ) ? implode( ' ', array_filter( $value, 'is_string' ) ) : ( is_string( $value ) ? $value : '' );
	$hosts = array();
	$bad   = array();
	foreach ( preg_split( '/[\s,]+/', strtolower( $text ), -1, PREG_SPLIT_NO_EMPTY ) as $host ) {
		$host = rtrim( $host, '.' );
		$ok   = preg_match( '/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/D', $host ) || false !== filter_var( trim( $host, '[]' ), FILTER_VALIDATE_IP );
		if ( $ok ) {
			$hosts[] = $host;
		} else {
			$bad[] = $host;
		}
	}
	if ( $bad ) {
		/* translators: %s: what was submitted, comma-separated. */
		return lanterne_refuse( 'lanterne_hosts', sprintf( __( 'Not host names (write blog.example, without https:// or a path): %s. Nothing changed.', 'lanterne' ), implode( ', ', array_map( 'sanitize_text_field', $bad ) ) ) );
	}
	return array_values( array_unique( $hosts ) );
}

/**
 * @param mixed $value Submitted: '' or a key of LANTERNE_PROXY_HEADERS.
 * @return string
 */
function lanterne_sanitize_proxy_header( $value ) {
	return '' === $value || ( is_string( $value ) && isset( LANTERNE_PROXY_HEADERS[ $value ] ) ) ? $value : lanterne_refuse( 'lanterne_proxy_header', __( 'Unknown proxy header: nothing changed.', 'lanterne' ) );
}

/**
 * @param mixed $value Submitted: post types.
 * @return string[]
 */
function lanterne_sanitize_placement( $value ) {
	return array_values( array_intersect( LANTERNE_PLACEMENTS, is_array( $value ) ? $value : array() ) );
}

/**
 * @param mixed $value Submitted: a checkbox.
 * @return bool
 */
function lanterne_sanitize_flag( $value ) {
	return in_array( $value, array( true, 1, '1', 'on', 'true' ), true );
}

/**
 * @param mixed $value Submitted.
 * @return string granted, pending or denied.
 */
function lanterne_sanitize_consent( $value ) {
	return in_array( $value, array( 'granted', 'pending', 'denied' ), true ) ? $value : lanterne_refuse( 'lanterne_consent', __( 'Unknown consent mode: nothing changed.', 'lanterne' ) );
}

/**
 * @param mixed $value Submitted.
 * @return string
 */
function lanterne_sanitize_campaign( $value ) {
	return is_string( $value ) ? substr( sanitize_text_field( $value ), 0, 100 ) : '';
}

/**
 * @param mixed $value Submitted: days, 1 to 3650.
 * @return int
 */
function lanterne_sanitize_retention( $value ) {
	$days = is_numeric( $value ) ? (int) $value : 0;
	return $days >= 1 && $days <= 3650 ? $days : lanterne_refuse( 'lanterne_retention_days', __( 'Keep events from 1 to 3650 days: nothing changed.', 'lanterne' ) );
}

add_action(
	'admin_init',
	function () {
		foreach ( lanterne_options() as $name => list( $default, $sanitize ) ) {
			register_setting(
				'lanterne',
				$name,
				array(
					'default'           => $default,
					'sanitize_callback' => $sanitize,
				)
			);
		}
	}
);

add_action(
	'admin_menu',
	function () {
		add_options_page( __( 'lanterne', 'lanterne' ), __( 'lanterne', 'lanterne' ), 'manage_options', 'lanterne', 'lanterne_settings_page' );
	}
);

/**
 * Settings → lanterne.
 */
function lanterne_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to change these settings.', 'lanterne' ), 403 );
	}
	$checked     = fn( $on ) => $on ? ' checked' : '';
	$destination = lanterne_option( 'lanterne_destination' );
	$names       = lanterne_destination_names();
	// No settings_errors() here: options-general.php prints them (options-head.php).
	echo '<div class="wrap"><h1>' . esc_html__( 'lanterne', 'lanterne' ) . '</h1>';
	echo '<form method="post" action="options.php">';
	settings_fields( 'lanterne' );
	echo '<table class="form-table" role="presentation">';
	echo '<tr><th scope="row">' . esc_html__( 'Events go to', 'lanterne' ) . '</th><td><fieldset>';
	foreach ( $names as $value => $label ) {
		echo '<label><input type="radio" name="lanterne_destination" value="' . esc_attr( $value ) . '"' . esc_attr( $checked( $value === $destination ) ) . '> ' . esc_html( $label ) . '</label><br>';
	}
	echo '</fieldset></td></tr>';
	echo '<tr><th scope="row"><label for="lanterne_endpoint">' . esc_html__( 'Endpoint', 'lanterne' ) . '</label></th><td><input class="regular-text" type="url" id="lanterne_endpoint" name="lanterne_endpoint" value="' . esc_attr( lanterne_option( 'lanterne_endpoint' ) ) . '" placeholder="https://stats.example/collect"><p class="description">' . esc_html__( 'For a collector or an analytics tool: where it receives events.', 'lanterne' ) . '</p></td></tr>';
	echo '<tr><th scope="row"><label for="lanterne_site_id">' . esc_html__( 'Site id', 'lanterne' ) . '</label></th><td><input class="regular-text" id="lanterne_site_id" name="lanterne_site_id" value="' . esc_attr( lanterne_option( 'lanterne_site_id' ) ) . '"><p class="description">' . esc_html__( 'Plausible: the domain; Umami: the website id; Matomo: the site id.', 'lanterne' ) . '</p></td></tr>';
	echo '<tr><th scope="row"><label for="lanterne_channels">' . esc_html__( 'Channels', 'lanterne' ) . '</label></th><td><input class="regular-text" id="lanterne_channels" name="lanterne_channels" value="' . esc_attr( implode( ',', (array) lanterne_option( 'lanterne_channels' ) ) ) . '"><p class="description">' . esc_html__( 'Buttons, in order, comma-separated. An unknown id is refused. The ids:', 'lanterne' ) . ' ' . esc_html( implode( ', ', array_map( fn( $id, $link ) => $id . ' (' . ( 'web_share' === $id ? __( 'Share sheet', 'lanterne' ) : $link['name'] ) . ')', array_keys( lanterne_share_links() ), lanterne_share_links() ) ) ) . '</p></td></tr>';
	$placement = (array) lanterne_option( 'lanterne_placement' );
	echo '<tr><th scope="row">' . esc_html__( 'Buttons after', 'lanterne' ) . '</th><td><fieldset>';
	echo '<label><input type="checkbox" name="lanterne_placement[]" value="post"' . esc_attr( $checked( in_array( 'post', $placement, true ) ) ) . '> ' . esc_html__( 'posts', 'lanterne' ) . '</label><br>';
	echo '<label><input type="checkbox" name="lanterne_placement[]" value="page"' . esc_attr( $checked( in_array( 'page', $placement, true ) ) ) . '> ' . esc_html__( 'pages', 'lanterne' ) . '</label>';
	echo '<input type="hidden" name="lanterne_placement[]" value=""></fieldset></td></tr>';
	foreach ( array(
		'lanterne_address_bar' => array( __( 'Address bar', 'lanterne' ), __( 'Give each page view a token in the address bar, so links copied from it are counted.', 'lanterne' ) ),
		'lanterne_attribution' => array( __( 'Attribution', 'lanterne' ), __( 'Add a "Read more" link to text copied from your posts.', 'lanterne' ) ),
	) as $name => list( $label, $help ) ) {
		echo '<tr><th scope="row">' . esc_html( $label ) . '</th><td><input type="hidden" name="' . esc_attr( $name ) . '" value="0"><label><input type="checkbox" name="' . esc_attr( $name ) . '" value="1"' . esc_attr( $checked( lanterne_option( $name ) ) ) . '> ' . esc_html( $help ) . '</label></td></tr>';
	}
	$consent = lanterne_option( 'lanterne_consent' );
	echo '<tr><th scope="row"><label for="lanterne_consent">' . esc_html__( 'Consent', 'lanterne' ) . '</label></th><td><select id="lanterne_consent" name="lanterne_consent">';
	foreach ( array(
		'granted' => __( 'Not needed (nothing personal is collected)', 'lanterne' ),
		'pending' => __( 'Wait for consent (a consent tool calls grant())', 'lanterne' ),
		'denied'  => __( 'Off until consent', 'lanterne' ),
	) as $value => $label ) {
		echo '<option value="' . esc_attr( $value ) . '"' . ( $value === $consent ? ' selected' : '' ) . '>' . esc_html( $label ) . '</option>';
	}
	echo '</select></td></tr>';
	echo '<tr><th scope="row"><label for="lanterne_utm_campaign">' . esc_html__( 'UTM campaign', 'lanterne' ) . '</label></th><td><input class="regular-text" id="lanterne_utm_campaign" name="lanterne_utm_campaign" value="' . esc_attr( lanterne_option( 'lanterne_utm_campaign' ) ) . '"></td></tr>';
	echo '<tr><th scope="row"><label for="lanterne_retention_days">' . esc_html__( 'Keep events for', 'lanterne' ) . '</label></th><td><input type="number" min="1" max="3650" id="lanterne_retention_days" name="lanterne_retention_days" value="' . esc_attr( lanterne_option( 'lanterne_retention_days' ) ) . '"> ' . esc_html__( 'days', 'lanterne' ) . '</td></tr>';
	echo '<tr><th scope="row"><label for="lanterne_hosts">' . esc_html__( 'Other hosts of this site', 'lanterne' ) . '</label></th><td><input class="regular-text" id="lanterne_hosts" name="lanterne_hosts" value="' . esc_attr( implode( ', ', (array) lanterne_option( 'lanterne_hosts' ) ) ) . '" placeholder="www.blog.example, blog.example"><p class="description">'
		/* translators: %s: the site's host, such as blog.example. */
		. esc_html( sprintf( __( 'Built-in collection stores events of pages on %s only, and refuses the others. Other host names the site answers to, comma-separated.', 'lanterne' ), (string) wp_parse_url( home_url(), PHP_URL_HOST ) ) ) . '</p></td></tr>';
	$proxy = lanterne_option( 'lanterne_proxy_header' );
	echo '<tr><th scope="row"><label for="lanterne_proxy_header">' . esc_html__( 'Visitor address header', 'lanterne' ) . '</label></th><td><select id="lanterne_proxy_header" name="lanterne_proxy_header"><option value="">' . esc_html__( 'None: the connection\'s address (REMOTE_ADDR)', 'lanterne' ) . '</option>';
	foreach ( LANTERNE_PROXY_HEADERS as $value => $label ) {
		echo '<option value="' . esc_attr( $value ) . '"' . ( $value === $proxy ? ' selected' : '' ) . '>' . esc_html( $label ) . '</option>';
	}
	echo '</select><p class="description">' . esc_html__( 'Behind a proxy or a CDN every visitor arrives from its address, and shares one rate limit. Choose the header it writes the visitor\'s address in (its last entry is used: the one the proxy wrote). Only if the site cannot be reached but through it: otherwise a visitor could write the header.', 'lanterne' ) . '</p></td></tr>';
	echo '</table>';
	submit_button();
	echo '</form></div>';
}
