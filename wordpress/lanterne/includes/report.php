<?php
/**
 * The dark-social report in wp-admin (Dashboard → Dark social) and its Dashboard widget:
 * shares and click-backs per channel, copy vs address bar vs buttons, the most shared
 * posts, over the last 30 days. Administrators only (`manage_options`). The same
 * definitions as lanterne-collector's stats (README "Stats").
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

/** Who reads the report. */
const LANTERNE_REPORT_CAPABILITY = 'manage_options';

/**
 * The numbers of the last `$days` days.
 *
 * @param int $days How many days, today included.
 * @return array{shares: int, arrivals: int, without_referrer: int, channels: array<int, array{channel: string, shares: int, arrivals: int}>, sources: array<string, array{shares: int, arrivals: int}>, pages: array<int, array{url: string, shares: int, arrivals: int}>}
 */
function lanterne_report_data( $days = 30 ) {
	global $wpdb;
	$table = lanterne_table();
	$since = ( intdiv( time(), DAY_IN_SECONDS ) - $days + 1 ) * DAY_IN_SECONDS * 1000;
	// phpcs:disable WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the plugin's own table, by name.
	$totals   = $wpdb->get_row(
		$wpdb->prepare(
			"SELECT SUM(CASE WHEN type <> 'arrival' THEN 1 ELSE 0 END) AS shares, SUM(CASE WHEN type = 'arrival' THEN 1 ELSE 0 END) AS arrivals,
			 SUM(CASE WHEN type = 'arrival' AND (referrer IS NULL OR referrer = '') THEN 1 ELSE 0 END) AS without_referrer
			 FROM $table WHERE ts >= %d",
			$since
		),
		ARRAY_A
	);
	$channels = $wpdb->get_results(
		$wpdb->prepare(
			"SELECT channel, SUM(CASE WHEN type <> 'arrival' THEN 1 ELSE 0 END) AS shares, SUM(CASE WHEN type = 'arrival' THEN 1 ELSE 0 END) AS arrivals
			 FROM $table WHERE ts >= %d GROUP BY channel ORDER BY shares DESC, arrivals DESC, channel",
			$since
		),
		ARRAY_A
	);
	$pages    = $wpdb->get_results(
		$wpdb->prepare(
			"SELECT url, SUM(CASE WHEN type <> 'arrival' THEN 1 ELSE 0 END) AS shares, SUM(CASE WHEN type = 'arrival' THEN 1 ELSE 0 END) AS arrivals
			 FROM $table WHERE ts >= %d GROUP BY url",
			$since
		),
		ARRAY_A
	);
	// phpcs:enable
	$sources = array(
		'copy'        => array( 'shares' => 0, 'arrivals' => 0 ),
		'address_bar' => array( 'shares' => 0, 'arrivals' => 0 ),
		'buttons'     => array( 'shares' => 0, 'arrivals' => 0 ),
	);
	$out     = array();
	foreach ( (array) $channels as $row ) {
		$source = in_array( $row['channel'], array( 'copy', 'address_bar' ), true ) ? $row['channel'] : 'buttons';
		$sources[ $source ]['shares']   += (int) $row['shares'];
		$sources[ $source ]['arrivals'] += (int) $row['arrivals'];
		$out[] = array(
			'channel'  => $row['channel'],
			'shares'   => (int) $row['shares'],
			'arrivals' => (int) $row['arrivals'],
		);
	}
	return array(
		'shares'           => (int) ( $totals['shares'] ?? 0 ),
		'arrivals'         => (int) ( $totals['arrivals'] ?? 0 ),
		'without_referrer' => (int) ( $totals['without_referrer'] ?? 0 ),
		'channels'         => $out,
		'sources'          => $sources,
		'pages'            => lanterne_report_pages( (array) $pages ),
	);
}

/**
 * A channel's name as the buttons and the report show it ("Copy-paste" for copies).
 *
 * @param string $channel A channel id.
 * @return string
 */
function lanterne_channel_name( $channel ) {
	$names = array(
		'copy'        => __( 'Copy-paste', 'lanterne' ),
		'address_bar' => __( 'Address bar', 'lanterne' ),
		'copy_link'   => __( 'Copy link', 'lanterne' ),
		'web_share'   => __( 'Share sheet', 'lanterne' ),
	);
	$links = lanterne_share_links();
	return $names[ $channel ] ?? ( $links[ $channel ]['name'] ?? $channel );
}

/**
 * The most shared pages: rows of one page under several URLs (stored before URLs were
 * normalised, with `?utm_…`, a token or a fragment) counted as one.
 *
 * @param array<int, array{url: string, shares: string, arrivals: string}> $rows By URL.
 * @param int                                                             $most How many.
 * @return array<int, array{url: string, shares: int, arrivals: int}>
 */
function lanterne_report_pages( $rows, $most = 10 ) {
	$pages = array();
	foreach ( $rows as $row ) {
		$url = lanterne_page_url( $row['url'] );
		if ( ! isset( $pages[ $url ] ) ) {
			$pages[ $url ] = array(
				'url'      => $url,
				'shares'   => 0,
				'arrivals' => 0,
			);
		}
		$pages[ $url ]['shares']   += (int) $row['shares'];
		$pages[ $url ]['arrivals'] += (int) $row['arrivals'];
	}
	usort( $pages, fn( $a, $b ) => array( $b['shares'], $b['arrivals'], $a['url'] ) <=> array( $a['shares'], $a['arrivals'], $b['url'] ) );
	return array_slice( $pages, 0, $most );
}

/**
 * The headline numbers, as HTML (the report and the widget).
 *
 * @param array $data From lanterne_report_data().
 * @return string
 */
function lanterne_report_headline( $data ) {
	$items = array(
		/* translators: %s: a number of shares. */
		sprintf( _n( '%s share', '%s shares', $data['shares'], 'lanterne' ), '<strong>' . esc_html( number_format_i18n( $data['shares'] ) ) . '</strong>' ),
		/* translators: %s: a number of visits brought back by shares. */
		sprintf( _n( '%s click-back', '%s click-backs', $data['arrivals'], 'lanterne' ), '<strong>' . esc_html( number_format_i18n( $data['arrivals'] ) ) . '</strong>' ),
		/* translators: %s: a number of visits brought back by shares with no referrer. */
		sprintf( _n( '%s click-back seen as "direct"', '%s click-backs seen as "direct"', $data['without_referrer'], 'lanterne' ), '<strong>' . esc_html( number_format_i18n( $data['without_referrer'] ) ) . '</strong>' ),
	);
	$html  = '<ul class="lanterne-headline">';
	foreach ( $items as $item ) {
		$html .= '<li>' . wp_kses( $item, array( 'strong' => array() ) ) . '</li>';
	}
	return $html . '</ul>';
}

/**
 * Dashboard → Dark social.
 */
function lanterne_report_page() {
	if ( ! current_user_can( LANTERNE_REPORT_CAPABILITY ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to read this report.', 'lanterne' ), 403 );
	}
	$data = lanterne_report_data( 30 );
	echo '<div class="wrap lanterne-report"><h1>' . esc_html__( 'Dark social: the last 30 days', 'lanterne' ) . '</h1>';
	echo '<p>' . esc_html__( 'Shares made through messengers, e-mail and copy-paste, and the visits they brought back: what analytics tools file as "direct".', 'lanterne' ) . '</p>';
	echo lanterne_report_headline( $data ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped inside.
	if ( 0 === $data['shares'] + $data['arrivals'] ) {
		echo '<p class="lanterne-empty">' . esc_html__( 'Nothing yet. Shares and click-backs appear here as visitors copy and share your posts.', 'lanterne' ) . '</p></div>';
		return;
	}
	$table  = function ( $caption, $head, $rows ) {
		echo '<h2>' . esc_html( $caption ) . '</h2><table class="widefat striped"><thead><tr>';
		foreach ( $head as $cell ) {
			echo '<th scope="col" class="manage-column">' . esc_html( $cell ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $rows as $row ) {
			echo '<tr>';
			foreach ( $row as $cell ) {
				echo '<td>' . $cell . '</td>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- cells are escaped by the caller.
			}
			echo '</tr>';
		}
		echo '</tbody></table>';
	};
	$counts = array( __( 'Shares', 'lanterne' ), __( 'Click-backs', 'lanterne' ) );
	$table(
		__( 'Channels', 'lanterne' ),
		array_merge( array( __( 'Channel', 'lanterne' ) ), $counts ),
		array_map( fn( $c ) => array( esc_html( lanterne_channel_name( $c['channel'] ) ), esc_html( number_format_i18n( $c['shares'] ) ), esc_html( number_format_i18n( $c['arrivals'] ) ) ), $data['channels'] )
	);
	$names = array(
		'copy'        => __( 'Copy-paste', 'lanterne' ),
		'address_bar' => __( 'Address bar', 'lanterne' ),
		'buttons'     => __( 'Share buttons', 'lanterne' ),
	);
	$table(
		__( 'How posts are shared', 'lanterne' ),
		array_merge( array( __( 'Source', 'lanterne' ) ), $counts ),
		array_map( fn( $k ) => array( esc_html( $names[ $k ] ), esc_html( number_format_i18n( $data['sources'][ $k ]['shares'] ) ), esc_html( number_format_i18n( $data['sources'][ $k ]['arrivals'] ) ) ), array_keys( $names ) )
	);
	$table(
		__( 'Most shared posts', 'lanterne' ),
		array_merge( array( __( 'Post', 'lanterne' ) ), $counts ),
		array_map(
			function ( $p ) {
				$id    = url_to_postid( $p['url'] );
				$label = $id ? get_the_title( $id ) : $p['url'];
				// Only the site's own URLs are stored, but a link out of wp-admin stays
				// unfollowed and without referrer all the same.
				return array( '<a href="' . esc_url( $p['url'] ) . '" rel="noopener noreferrer nofollow">' . esc_html( $label ) . '</a>', esc_html( number_format_i18n( $p['shares'] ) ), esc_html( number_format_i18n( $p['arrivals'] ) ) );
			},
			$data['pages']
		)
	);
	echo '</div>';
}

add_action(
	'admin_menu',
	function () {
		add_dashboard_page( __( 'Dark social', 'lanterne' ), __( 'Dark social', 'lanterne' ), LANTERNE_REPORT_CAPABILITY, 'lanterne-report', 'lanterne_report_page' );
	}
);

add_action(
	'wp_dashboard_setup',
	function () {
		if ( ! current_user_can( LANTERNE_REPORT_CAPABILITY ) ) {
			return;
		}
		wp_add_dashboard_widget(
			'lanterne_dashboard',
			__( 'Dark social (30 days)', 'lanterne' ),
			function () {
				echo lanterne_report_headline( lanterne_report_data( 30 ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped inside.
				echo '<p><a href="' . esc_url( admin_url( 'index.php?page=lanterne-report' ) ) . '">' . esc_html__( 'The report', 'lanterne' ) . '</a></p>';
			}
		);
	}
);
