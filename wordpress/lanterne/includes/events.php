<?php
/**
 * Events as lanterne sends them (its event JSON Schema, version 1): the checks, in plain
 * PHP so that the plugin needs nothing else. The same rules as `schema/event.schema.json`
 * in the lanterne repository; tests/php/events-test.php checks them against the cases
 * the collector is tested with.
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

/** Every channel id an event may name. */
const LANTERNE_EVENT_CHANNELS = array( 'copy', 'address_bar', 'whatsapp', 'telegram', 'messenger', 'signal', 'sms', 'email', 'line', 'viber', 'threema', 'x', 'facebook', 'linkedin', 'reddit', 'bluesky', 'mastodon', 'threads', 'pinterest', 'tumblr', 'hackernews', 'vk', 'xing', 'weibo', 'web_share', 'copy_link' );

/** A share token: the channel's code, ten base64url characters, one alphanumeric. */
const LANTERNE_TOKEN_PATTERN = '/^[cawtmsSelvTxfLrbMhpuykXWnC][A-Za-z0-9_-]{10}[A-Za-z0-9]$/D';

/** Most events in one request, and most bytes in its body. */
const LANTERNE_MOST_EVENTS = 100;
const LANTERNE_MOST_BYTES  = 65536;

/**
 * Whether a decoded JSON value is a whole number in a range.
 *
 * @param mixed $value The value.
 * @param int   $min   Smallest allowed.
 * @param int   $max   Largest allowed.
 * @return bool
 */
function lanterne_is_whole( $value, $min, $max ) {
	if ( is_float( $value ) && floor( $value ) === $value ) {
		$value = (int) $value;
	}
	return is_int( $value ) && $value >= $min && $value <= $max;
}

/**
 * Whether a value is a string of at most `$max` characters.
 *
 * @param mixed $value The value.
 * @param int   $max   Most characters (code points).
 * @return bool
 */
function lanterne_is_text( $value, $max ) {
	return is_string( $value ) && mb_strlen( $value, 'UTF-8' ) <= $max;
}

/**
 * The first problem with one event, or null if it is valid.
 *
 * @param mixed $event A decoded JSON value.
 * @return string|null A message naming the field.
 */
function lanterne_event_problem( $event ) {
	if ( ! is_array( $event ) || array_is_list( $event ) && array() !== $event ) {
		return 'not an event object';
	}
	foreach ( array( 'v', 'id', 'type', 'channel', 'token', 'parent', 'url', 'title', 'ts' ) as $field ) {
		if ( ! array_key_exists( $field, $event ) ) {
			return "/$field is required";
		}
	}
	if ( 1 !== $event['v'] ) {
		return '/v must be 1';
	}
	if ( ! is_string( $event['id'] ) || ! preg_match( '/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/D', $event['id'] ) ) {
		return '/id must be a UUID v4';
	}
	if ( ! in_array( $event['type'], array( 'copy', 'share', 'arrival', 'landing' ), true ) ) {
		return '/type must be copy, share, arrival or landing';
	}
	if ( 'landing' === $event['type'] ) {
		// A sourceless landing: a page reached with no referrer and no token. Nothing
		// of a share: channel "none", no token, no parent (a `referrer` or `chars` the
		// tracker never sends is let through, as the schema does, and not stored).
		if ( 'none' !== $event['channel'] ) {
			return '/channel must be none for a landing';
		}
		if ( null !== $event['token'] ) {
			return '/token must be null for a landing';
		}
		if ( null !== $event['parent'] ) {
			return '/parent must be null for a landing';
		}
	} else {
		if ( ! in_array( $event['channel'], LANTERNE_EVENT_CHANNELS, true ) ) {
			return '/channel is not a known channel';
		}
		if ( ! is_string( $event['token'] ) || ! preg_match( LANTERNE_TOKEN_PATTERN, $event['token'] ) ) {
			return '/token is not a share token';
		}
		if ( null !== $event['parent'] && ( ! is_string( $event['parent'] ) || ! preg_match( LANTERNE_TOKEN_PATTERN, $event['parent'] ) ) ) {
			return '/parent must be a share token or null';
		}
	}
	if ( ! lanterne_is_text( $event['url'], 4096 ) || mb_strlen( $event['url'], 'UTF-8' ) < 8 || ! preg_match( '#^https?://#', $event['url'] ) ) {
		return '/url must be an http(s) URL of at most 4096 characters';
	}
	if ( ! lanterne_is_text( $event['title'], 1024 ) ) {
		return '/title must be text of at most 1024 characters';
	}
	if ( ! lanterne_is_whole( $event['ts'], 946684800000, 4102444800000 ) ) {
		return '/ts must be milliseconds since 1970, between 2000 and 2100';
	}
	if ( array_key_exists( 'referrer', $event ) && null !== $event['referrer'] && ! lanterne_is_text( $event['referrer'], 4096 ) ) {
		return '/referrer must be text of at most 4096 characters or null';
	}
	if ( array_key_exists( 'chars', $event ) && ! lanterne_is_whole( $event['chars'], 1, 100000000 ) ) {
		return '/chars must be a whole number from 1';
	}
	if ( array_key_exists( 'dropped', $event ) && ! lanterne_is_whole( $event['dropped'], 1, PHP_INT_MAX ) ) {
		return '/dropped must be a whole number from 1';
	}
	if ( 'copy' === $event['type'] && ( 'copy' !== $event['channel'] || ! array_key_exists( 'chars', $event ) ) ) {
		return 'a copy has channel copy and chars';
	}
	if ( 'arrival' === $event['type'] && ! array_key_exists( 'referrer', $event ) ) {
		return 'an arrival has a referrer (null when none)';
	}
	if ( 'share' === $event['type'] && in_array( $event['channel'], array( 'copy', 'address_bar' ), true ) ) {
		return 'a share has a share channel';
	}
	return null;
}

/**
 * A request body as events: one event or a list of them, each valid.
 *
 * @param string $body The body, JSON.
 * @return array{0: array<int, array<string, mixed>>|null, 1: string|null, 2: int} The
 *     events (or null), the problem (or null) and the HTTP status to answer with it.
 */
function lanterne_parse_events( $body ) {
	if ( strlen( $body ) > LANTERNE_MOST_BYTES ) {
		return array( null, 'the body is larger than ' . LANTERNE_MOST_BYTES . ' bytes', 413 );
	}
	$value = json_decode( $body, true, 16 );
	if ( null === $value && 'null' !== trim( $body ) ) {
		return array( null, 'the body is not valid JSON', 400 );
	}
	$events = is_array( $value ) && array_is_list( $value ) ? $value : array( $value );
	if ( array() === $events ) {
		return array( null, 'an empty array has no event', 400 );
	}
	if ( count( $events ) > LANTERNE_MOST_EVENTS ) {
		return array( null, 'more than ' . LANTERNE_MOST_EVENTS . ' events', 413 );
	}
	foreach ( $events as $i => $event ) {
		$problem = lanterne_event_problem( $event );
		if ( null !== $problem ) {
			return array( null, "event $i: $problem", 400 );
		}
	}
	return array( $events, null, 200 );
}

/**
 * A page's identity: its URL without the fragment, the UTM parameters (`utm_*`) and
 * lanterne's token parameter (`lt` holding a share token), which a click-back may keep
 * but do not make another page. The other parameters stay, in their order.
 *
 * @param string $url An http(s) URL.
 * @return string The same URL, normalised.
 */
function lanterne_page_url( $url ) {
	$url   = explode( '#', (string) $url, 2 )[0];
	$parts = explode( '?', $url, 2 );
	if ( ! isset( $parts[1] ) ) {
		return $url;
	}
	$kept = array();
	foreach ( explode( '&', $parts[1] ) as $pair ) {
		list( $name, $value ) = array_pad( explode( '=', $pair, 2 ), 2, '' );
		$name                 = strtolower( rawurldecode( $name ) );
		if ( '' === $pair || str_starts_with( $name, 'utm_' ) || ( 'lt' === $name && preg_match( LANTERNE_TOKEN_PATTERN, rawurldecode( $value ) ) ) ) {
			continue;
		}
		$kept[] = $pair;
	}
	return $kept ? $parts[0] . '?' . implode( '&', $kept ) : $parts[0];
}
