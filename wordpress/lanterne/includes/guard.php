<?php
/**
 * What guards the public collect route: the site's own URLs only (its host and the
 * hosts added in the settings), and a rate limit counting events per visitor address
 * (a token bucket, kept out of the database when an object cache is present, else in
 * one option pruned as it goes).
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

/** Events a second one address may send (refill), and at once (burst): four full batches. */
const LANTERNE_RATE       = 10;
const LANTERNE_RATE_BURST = 400;

/** Seconds a bucket is kept after its last use (a full refill takes burst / rate = 40). */
const LANTERNE_RATE_WINDOW = 60;

/** Most buckets kept at once without an object cache (the oldest go first). */
const LANTERNE_RATE_MOST = 5000;

/** The option holding the buckets without an object cache. */
const LANTERNE_RATE_OPTION = 'lanterne_rate_buckets';

/** Proxy headers the settings offer, by option value. */
const LANTERNE_PROXY_HEADERS = array(
	'x-forwarded-for'  => 'X-Forwarded-For',
	'cf-connecting-ip' => 'CF-Connecting-IP',
	'x-real-ip'        => 'X-Real-IP',
	'true-client-ip'   => 'True-Client-IP',
);

/**
 * The hosts events may name: home_url()'s and those added in the settings, lowercase.
 *
 * @return string[]
 */
function lanterne_allowed_hosts() {
	$hosts = array( strtolower( (string) wp_parse_url( home_url(), PHP_URL_HOST ) ) );
	foreach ( (array) lanterne_option( 'lanterne_hosts' ) as $host ) {
		$hosts[] = strtolower( (string) $host );
	}
	/**
	 * Filters the hosts whose URLs the collect route accepts.
	 *
	 * @param string[] $hosts Lowercase host names.
	 */
	return array_values( array_unique( array_filter( (array) apply_filters( 'lanterne_allowed_hosts', $hosts ) ) ) );
}

/**
 * The host of a URL, lowercase, without a trailing dot ('' if none).
 *
 * @param string $url A URL.
 * @return string
 */
function lanterne_url_host( $url ) {
	return rtrim( strtolower( (string) wp_parse_url( $url, PHP_URL_HOST ) ), '.' );
}

/**
 * The first event of a batch naming a host that is not the site's, or null.
 *
 * @param array<int, array<string, mixed>> $events Valid events.
 * @return string|null A message naming the event and the host.
 */
function lanterne_foreign_host( $events ) {
	$allowed = lanterne_allowed_hosts();
	foreach ( $events as $i => $event ) {
		$host = lanterne_url_host( $event['url'] );
		if ( ! in_array( $host, $allowed, true ) ) {
			return sprintf( 'event %d: /url host %s is not this site\'s (%s); a host of yours is added in Settings → lanterne', $i, '' === $host ? '(none)' : $host, implode( ', ', $allowed ) );
		}
	}
	return null;
}

/**
 * The visitor's address: REMOTE_ADDR, or, when the settings name the proxy header the
 * site is reached through, the address that proxy saw. In X-Forwarded-For that is the
 * last entry: each proxy appends the address it was connected from, so the last one is
 * written by the trusted proxy itself, while every entry before it is whatever the
 * client sent (the first entry would let anyone pick a bucket of their own).
 *
 * @return string An address ('' if none).
 */
function lanterne_client_address() {
	$remote = isset( $_SERVER['REMOTE_ADDR'] ) ? sanitize_text_field( wp_unslash( $_SERVER['REMOTE_ADDR'] ) ) : '';
	$header = (string) lanterne_option( 'lanterne_proxy_header' );
	$key    = 'HTTP_' . strtoupper( str_replace( '-', '_', $header ) );
	$found  = '';
	if ( '' !== $header && isset( $_SERVER[ $key ] ) ) {
		$hops  = array_map( 'trim', explode( ',', sanitize_text_field( wp_unslash( $_SERVER[ $key ] ) ) ) );
		$last  = (string) end( $hops );
		$found = false !== filter_var( $last, FILTER_VALIDATE_IP ) ? $last : '';
	}
	/**
	 * Filters the address the collect route's rate limit counts by.
	 *
	 * @param string $address The address found ('' if none).
	 * @param string $remote  REMOTE_ADDR.
	 */
	return (string) apply_filters( 'lanterne_client_address', '' !== $found ? $found : $remote, $remote );
}

/**
 * The rate limit: events a second and at once (the `lanterne_rate_limit` filter).
 *
 * @return array{0: float, 1: float} Rate and burst.
 */
function lanterne_rate_limit() {
	/**
	 * Filters the rate limit of the collect route: events a second per visitor address,
	 * and how many at once (a batch of n events takes n).
	 *
	 * @param int[] $limit Rate and burst.
	 */
	list( $rate, $burst ) = apply_filters( 'lanterne_rate_limit', array( LANTERNE_RATE, LANTERNE_RATE_BURST ) );
	return array( max( 0.001, (float) $rate ), max( 1.0, (float) $burst ) );
}

/**
 * Takes `$n` tokens from this visitor's bucket.
 *
 * @param int $n Events in the request.
 * @return int 0 if they may be sent, else the seconds to wait.
 */
function lanterne_rate_take( $n ) {
	list( $rate, $burst ) = lanterne_rate_limit();
	$n      = min( max( 1, (int) $n ), $burst ); // A batch larger than the burst would never pass.
	$key    = substr( md5( wp_salt( 'nonce' ) . lanterne_client_address() ), 0, 16 );
	$now    = microtime( true );
	$cache  = wp_using_ext_object_cache();
	$all    = $cache ? array() : lanterne_rate_buckets();
	$bucket = $cache ? wp_cache_get( $key, 'lanterne_rate' ) : ( $all[ $key ] ?? null );
	$tokens = is_array( $bucket ) ? min( $burst, $bucket[0] + max( 0, $now - $bucket[1] ) * $rate ) : $burst;
	if ( $tokens < $n ) {
		return max( 1, (int) ceil( ( $n - $tokens ) / $rate ) );
	}
	$bucket = array( $tokens - $n, $now );
	if ( $cache ) {
		wp_cache_set( $key, $bucket, 'lanterne_rate', LANTERNE_RATE_WINDOW );
		return 0;
	}
	$all[ $key ] = $bucket;
	lanterne_rate_save( lanterne_rate_pruned( $all, $now ) );
	return 0;
}

/**
 * The buckets kept in the database.
 *
 * @return array<string, array{0: float, 1: float}>
 */
function lanterne_rate_buckets() {
	$all = get_option( LANTERNE_RATE_OPTION, array() );
	return is_array( $all ) ? $all : array();
}

/**
 * Buckets without those unused for a minute, and at most LANTERNE_RATE_MOST.
 *
 * @param array<string, array{0: float, 1: float}> $all Buckets.
 * @param float                                     $now The time.
 * @return array<string, array{0: float, 1: float}>
 */
function lanterne_rate_pruned( $all, $now ) {
	$all = array_filter( $all, fn( $b ) => is_array( $b ) && $b[1] > $now - LANTERNE_RATE_WINDOW );
	if ( count( $all ) > LANTERNE_RATE_MOST ) {
		uasort( $all, fn( $a, $b ) => $b[1] <=> $a[1] );
		$all = array_slice( $all, 0, LANTERNE_RATE_MOST, true );
	}
	return $all;
}

/**
 * Stores the buckets (no row at all when there is none), and schedules their clean-up a
 * minute on, should no request come to prune them.
 *
 * @param array<string, array{0: float, 1: float}> $all Buckets.
 */
function lanterne_rate_save( $all ) {
	if ( ! $all ) {
		delete_option( LANTERNE_RATE_OPTION );
		return;
	}
	update_option( LANTERNE_RATE_OPTION, $all, false );
	if ( ! wp_next_scheduled( 'lanterne_rate_prune' ) ) {
		wp_schedule_single_event( time() + LANTERNE_RATE_WINDOW + 5, 'lanterne_rate_prune' );
	}
}

/**
 * Deletes the buckets unused for a minute (WP-Cron, a minute after a request, and daily),
 * and the transients of the plugin's first version, which stayed in wp_options.
 *
 * @param float|null $now The time (default: now).
 */
function lanterne_rate_prune( $now = null ) {
	global $wpdb;
	$now = null === $now ? microtime( true ) : (float) $now;
	$all = lanterne_rate_buckets();
	lanterne_rate_save( lanterne_rate_pruned( $all, $now ) );
	// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- a clean-up of rows by name.
	$names = (array) $wpdb->get_col( "SELECT option_name FROM $wpdb->options WHERE option_name BETWEEN '_transient_lanterne_rate_' AND '_transient_lanterne_rate_~' OR option_name BETWEEN '_transient_timeout_lanterne_rate_' AND '_transient_timeout_lanterne_rate_~'" );
	foreach ( $names as $name ) {
		if ( str_starts_with( $name, '_transient_lanterne_rate_' ) ) {
			delete_transient( substr( $name, strlen( '_transient_' ) ) );
		} elseif ( str_starts_with( $name, '_transient_timeout_lanterne_rate_' ) ) {
			delete_option( $name );
		}
	}
}
add_action( 'lanterne_rate_prune', 'lanterne_rate_prune' );
add_action( 'lanterne_retention', 'lanterne_rate_prune' );
