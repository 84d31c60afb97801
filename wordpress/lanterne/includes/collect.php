<?php
/**
 * Built-in collection: the REST route the tracker sends events to
 * (`POST /wp-json/lanterne/v1/collect`), and the table that keeps them.
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

/**
 * The version of the table's shape (lanterne_upgrade() brings older ones up to it).
 * 2: `token` may be NULL (landing events have none).
 */
const LANTERNE_DB_VERSION = 2;

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
  token char(12) DEFAULT NULL,
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
	// Autoloaded: lanterne_upgrade() reads it on every request.
	update_option( 'lanterne_db_version', LANTERNE_DB_VERSION, true );
}
register_activation_hook( LANTERNE_FILE, 'lanterne_install' );

/**
 * Brings the table of an older version up to date: plugin updates run no activation
 * hook, so the stored version is compared on every load (an autoloaded option: no query).
 * dbDelta() changes types and adds columns but never a column's NULL: version 1's
 * `token char(12) NOT NULL` is changed here first (CHANGE COLUMN: MySQL, and the SQLite
 * Database Integration's translation of it alike).
 */
function lanterne_upgrade() {
	$version = (int) get_option( 'lanterne_db_version', 0 );
	if ( $version >= LANTERNE_DB_VERSION ) {
		return;
	}
	global $wpdb;
	$table = lanterne_table();
	// phpcs:disable WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery.SchemaChange -- the plugin's own table, by name.
	if ( 1 === $version && $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $table ) ) ) === $table ) {
		$wpdb->query( "ALTER TABLE $table CHANGE COLUMN token token char(12) DEFAULT NULL" );
	}
	// phpcs:enable
	lanterne_install();
}
add_action( 'plugins_loaded', 'lanterne_upgrade' );

/**
 * `POST /wp-json/lanterne/v1/collect`: one event or a list, as JSON in any content type
 * (beacons send text/plain). 200 `{stored, duplicates}` once stored; 400 naming the
 * problem (an event naming another site's host included: nothing of the batch is
 * stored); 413 too large; 429 with Retry-After (a batch of n events takes n tokens).
 *
 * @param WP_REST_Request $request The request.
 * @return WP_REST_Response
 */
function lanterne_collect( $request ) {
	list( $events, $problem, $status ) = lanterne_parse_events( $request->get_body() );
	// Counted in events: a refused body costs one.
	$wait = lanterne_rate_take( is_array( $events ) ? count( $events ) : 1 );
	if ( $wait > 0 ) {
		$response = new WP_REST_Response( array( 'error' => 'too many events' ), 429 );
		$response->header( 'Retry-After', (string) $wait );
		return $response;
	}
	if ( null === $problem ) {
		$problem = lanterne_foreign_host( $events );
		$status  = null === $problem ? $status : 400;
	}
	if ( null !== $problem ) {
		return new WP_REST_Response( array( 'error' => $problem ), $status );
	}
	global $wpdb;
	$table    = lanterne_table();
	$stored   = 0;
	$received = (int) round( microtime( true ) * 1000 );
	foreach ( $events as $event ) {
		if ( 'landing' === $event['type'] ) {
			// A landing keeps the page, its title and the time: never a referrer (the
			// privacy text says so), whatever a forged one carries.
			unset( $event['referrer'], $event['chars'] );
		}
		$values = array( $event['id'], $event['type'], $event['channel'], $event['token'], $event['parent'], lanterne_page_url( $event['url'] ), $event['title'], $event['ts'], $event['referrer'] ?? null, $event['chars'] ?? null, $received );
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
