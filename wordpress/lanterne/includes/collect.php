<?php
/**
 * Built-in collection: the REST route the tracker sends events to
 * (`POST /wp-json/lanterne/v1/collect`), and the table that keeps them.
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

/** The version of the table's shape (dbDelta brings older ones up to it). */
const LANTERNE_DB_VERSION = 1;

/** Requests a second one visitor may send, and at once. */
const LANTERNE_RATE       = 20;
const LANTERNE_RATE_BURST = 200;

/**
 * The events table's name.
 *
 * @return string
 */
function lanterne_table() {
	global $wpdb;
	return $wpdb->prefix . 'lanterne_events';
}

/**
 * Creates the events table, or brings it up to date (on activation and after updates).
 */
function lanterne_install() {
	global $wpdb;
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	$table   = lanterne_table();
	$collate = $wpdb->get_charset_collate();
	dbDelta(
		"CREATE TABLE $table (
  seq bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  id char(36) NOT NULL,
  type varchar(8) NOT NULL,
  channel varchar(16) NOT NULL,
  token char(12) NOT NULL,
  parent char(12) DEFAULT NULL,
  url text NOT NULL,
  title text NOT NULL,
  ts bigint(20) NOT NULL,
  referrer text DEFAULT NULL,
  chars int(11) DEFAULT NULL,
  received_at bigint(20) NOT NULL,
  PRIMARY KEY  (seq),
  UNIQUE KEY id (id),
  KEY ts (ts),
  KEY token (token)
) $collate;"
	);
	update_option( 'lanterne_db_version', LANTERNE_DB_VERSION, false );
}
register_activation_hook( LANTERNE_FILE, 'lanterne_install' );

/**
 * Whether this visitor may send another request now (a token bucket per address, kept
 * in a transient; the address is hashed, never stored).
 *
 * @return int 0 if it may, else the seconds to wait.
 */
function lanterne_rate_wait() {
	$address = isset( $_SERVER['REMOTE_ADDR'] ) ? sanitize_text_field( wp_unslash( $_SERVER['REMOTE_ADDR'] ) ) : '';
	$key     = 'lanterne_rate_' . md5( wp_salt( 'nonce' ) . $address );
	$now     = microtime( true );
	/**
	 * Filters the rate limit of the collect route: requests a second per visitor, and
	 * how many at once.
	 *
	 * @param int[] $limit Rate and burst.
	 */
	list( $rate, $burst ) = apply_filters( 'lanterne_rate_limit', array( LANTERNE_RATE, LANTERNE_RATE_BURST ) );
	$bucket = get_transient( $key );
	$tokens = is_array( $bucket ) ? min( $burst, $bucket[0] + ( $now - $bucket[1] ) * $rate ) : $burst;
	if ( $tokens < 1 ) {
		return max( 1, (int) ceil( ( 1 - $tokens ) / $rate ) );
	}
	set_transient( $key, array( $tokens - 1, $now ), 60 );
	return 0;
}

/**
 * `POST /wp-json/lanterne/v1/collect`: one event or a list, as JSON in any content type
 * (beacons send text/plain). 200 `{stored, duplicates}` once stored; 400 naming the
 * problem; 413 too large; 429 with Retry-After.
 *
 * @param WP_REST_Request $request The request.
 * @return WP_REST_Response
 */
function lanterne_collect( $request ) {
	$wait = lanterne_rate_wait();
	if ( $wait > 0 ) {
		$response = new WP_REST_Response( array( 'error' => 'too many requests' ), 429 );
		$response->header( 'Retry-After', (string) $wait );
		return $response;
	}
	list( $events, $problem, $status ) = lanterne_parse_events( $request->get_body() );
	if ( null !== $problem ) {
		return new WP_REST_Response( array( 'error' => $problem ), $status );
	}
	global $wpdb;
	$table    = lanterne_table();
	$stored   = 0;
	$received = (int) round( microtime( true ) * 1000 );
	foreach ( $events as $event ) {
		$values = array( $event['id'], $event['type'], $event['channel'], $event['token'], $event['parent'], $event['url'], $event['title'], $event['ts'], $event['referrer'] ?? null, $event['chars'] ?? null, $received );
		// wpdb::prepare() has no NULL: absent values are written as SQL NULL, the rest
		// each through prepare() (numbers as %d, after the checks made them whole).
		$sql = array();
		foreach ( $values as $value ) {
			$sql[] = null === $value ? 'NULL' : $wpdb->prepare( is_string( $value ) ? '%s' : '%d', $value );
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table; every value prepared above.
		$n = $wpdb->query( "INSERT IGNORE INTO $table (id, type, channel, token, parent, url, title, ts, referrer, chars, received_at) VALUES (" . implode( ', ', $sql ) . ')' );
		if ( false === $n ) {
			return new WP_REST_Response( array( 'error' => 'storage failed, retry later' ), 503 );
		}
		$stored += $n;
	}
	return new WP_REST_Response(
		array(
			'stored'     => $stored,
			'duplicates' => count( $events ) - $stored,
		),
		200
	);
}

add_action(
	'rest_api_init',
	function () {
		register_rest_route(
			'lanterne/v1',
			'/collect',
			array(
				'methods'             => 'POST',
				'callback'            => 'lanterne_collect',
				// Public by design: visitors' browsers send events; every event is checked.
				'permission_callback' => '__return_true',
			)
		);
	}
);
