<?php
/**
 * Deleting the plugin deletes what it kept: its options and its events table.
 *
 * @package lanterne
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

global $wpdb;
foreach ( array( 'lanterne_destination', 'lanterne_endpoint', 'lanterne_site_id', 'lanterne_channels', 'lanterne_placement', 'lanterne_address_bar', 'lanterne_attribution', 'lanterne_consent', 'lanterne_utm_campaign', 'lanterne_retention_days', 'lanterne_db_version' ) as $lanterne_option ) {
	delete_option( $lanterne_option );
}
wp_clear_scheduled_hook( 'lanterne_retention' );
// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the plugin's own table, by name.
$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}lanterne_events" );
// Rate-limit buckets (transients) expire by themselves within a minute.
