<?php
/**
 * Deleting the plugin deletes what it kept: its options and its events table.
 *
 * @package lanterne
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

global $wpdb;
foreach ( array( 'lanterne_destination', 'lanterne_endpoint', 'lanterne_site_id', 'lanterne_channels', 'lanterne_placement', 'lanterne_address_bar', 'lanterne_attribution', 'lanterne_consent', 'lanterne_utm_campaign', 'lanterne_retention_days', 'lanterne_hosts', 'lanterne_proxy_header', 'lanterne_rate_buckets', 'lanterne_db_version' ) as $lanterne_option ) {
	delete_option( $lanterne_option );
}
wp_clear_scheduled_hook( 'lanterne_retention' );
wp_clear_scheduled_hook( 'lanterne_rate_prune' );
// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the plugin's own table, by name.
$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}lanterne_events" );
// The rate limit's buckets: in the object cache (they expire there within a minute; the
// group is flushed where the cache can), and the transients of the first version, which
// stayed in wp_options after they expired.
if ( function_exists( 'wp_cache_supports' ) && wp_cache_supports( 'flush_group' ) ) {
	wp_cache_flush_group( 'lanterne_rate' );
}
// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- rows of the plugin's, by name.
foreach ( (array) $wpdb->get_col( "SELECT option_name FROM $wpdb->options WHERE option_name BETWEEN '_transient_lanterne_rate_' AND '_transient_lanterne_rate_~' OR option_name BETWEEN '_transient_timeout_lanterne_rate_' AND '_transient_timeout_lanterne_rate_~'" ) as $lanterne_option ) {
	if ( str_starts_with( $lanterne_option, '_transient_lanterne_rate_' ) || str_starts_with( $lanterne_option, '_transient_timeout_lanterne_rate_' ) ) {
		delete_option( $lanterne_option );
	}
}
