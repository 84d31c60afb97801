<?php
/**
 * What the plugin does with visitors' data, for the site's privacy policy
 * (Settings → Privacy suggests it), and the daily deletion of old events.
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'admin_init',
	function () {
		if ( ! function_exists( 'wp_add_privacy_policy_content' ) ) {
			return;
		}
		$text = '<p>' . __( 'When you copy text from this site or share one of its pages with the share buttons, a random share code (a "token") is added to the page\'s address, and the site records the share: the channel (for example WhatsApp or e-mail), the page\'s address and title, the time and, for a copy, how many characters were copied. When someone opens a shared link, the site records the visit with the same code and the referring address the browser gives, if any.', 'lanterne' ) . '</p>'
			. '<p>' . __( 'When someone opens a page other than the home page without coming from another page (the browser gives no referring address) and without a share code, the site records that landing: the page\'s address and title, the time, and a random identifier of the record itself. It holds no identifier of the visitor, no cookie and no referring address, and nothing links one landing to another or to any other record: landings can be counted per page and per day, never followed from visit to visit, so they make no visitor profile.', 'lanterne' ) . '</p>'
			. '<p>' . __( 'No cookie is set, no name, account or device identifier is recorded, and the copied text itself never is. The visitor\'s IP address is only used to limit how many records one visitor can send per second: it is kept as a keyed hash, never with the records, in the site\'s memory cache when it has one, else in the database, and deleted a minute after the visitor\'s last record (at the next record anyone sends, or by the site\'s scheduled clean-up shortly after). The records stay in this site\'s database and are sent to no one else, unless the site owner chose an analytics service in the plugin\'s settings. They are deleted after the number of days set there (395 days by default).', 'lanterne' ) . '</p>';
		wp_add_privacy_policy_content( 'lanterne', wp_kses_post( wpautop( $text, false ) ) );
	}
);

/**
 * Deletes events older than the retention setting (daily, by WP-Cron).
 *
 * @return int How many were deleted.
 */
function lanterne_delete_old_events() {
	global $wpdb;
	$before = ( time() - (int) lanterne_option( 'lanterne_retention_days' ) * DAY_IN_SECONDS ) * 1000;
	$table  = lanterne_table();
	// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the plugin's own table, by name.
	return (int) $wpdb->query( $wpdb->prepare( "DELETE FROM $table WHERE ts < %d", $before ) );
}
add_action( 'lanterne_retention', 'lanterne_delete_old_events' );

add_action(
	'init',
	function () {
		if ( ! wp_next_scheduled( 'lanterne_retention' ) ) {
			wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', 'lanterne_retention' );
		}
	}
);
register_deactivation_hook(
	LANTERNE_FILE,
	function () {
		wp_clear_scheduled_hook( 'lanterne_retention' );
	}
);
