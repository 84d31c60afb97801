<?php
/**
 * The dark-social report in wp-admin (Dashboard → Dark social) and its Dashboard widget:
 * shares and click-backs per channel, copy vs address bar vs buttons, the most shared
 * posts, and how much of the visits that arrived without a source lanterne's shares
 * explain (sourceless landings, the posts most reached without a source, the spikes),
 * over the last 30 days. Administrators only (`manage_options`). The same definitions
 * as lanterne-collector's stats (docs/stats.md#stats).
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

/** Who reads the report. */
const LANTERNE_REPORT_CAPABILITY = 'manage_options';

/**
 * A spike: a day on which a page received at least LANTERNE_SPIKE_LEAST sourceless
 * landings and at least LANTERNE_SPIKE_TIMES times its median daily sourceless landings
 * over the LANTERNE_SPIKE_DAYS days before (days without any count as 0).
 */
const LANTERNE_SPIKE_LEAST = 10;
const LANTERNE_SPIKE_TIMES = 3;
const LANTERNE_SPIKE_DAYS  = 28;

/** A day in milliseconds (days are UTC days, as the report's window). */
const LANTERNE_DAY_MS = 86400000;

/**
 * The numbers of the last `$days` days. "Sourceless visits" are the sourceless landings
 * (`landing` events: a deep page reached with no referrer and no token) and the
 * click-backs without a referrer; lanterne explains the latter.
 *
 * @param int $days How many days, today included.
 * @return array{shares: int, arrivals: int, without_referrer: int, landings: int, sourceless: int, channels: array<int, array{channel: string, shares: int, arrivals: int}>, sources: array<string, array{shares: int, arrivals: int}>, pages: array<int, array{url: string, shares: int, arrivals: int}>, sourceless_pages: array<int, array{url: string, visits: int, explained: int}>}
 */
function lanterne_report_data( $days = 30 ) {
	global $wpdb;
	$table = lanterne_table();
	$since = ( intdiv( time(), DAY_IN_SECONDS ) - $days + 1 ) * DAY_IN_SECONDS * 1000;
	// phpcs:disable WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the plugin's own table, by name.
	$totals   = $wpdb->get_row(
		$wpdb->prepare(
			"SELECT SUM(CASE WHEN type IN ('copy', 'share') THEN 1 ELSE 0 END) AS shares, SUM(CASE WHEN type = 'arrival' THEN 1 ELSE 0 END) AS arrivals,
			 SUM(CASE WHEN type = 'arrival' AND (referrer IS NULL OR referrer = '') THEN 1 ELSE 0 END) AS without_referrer,
			 SUM(CASE WHEN type = 'landing' THEN 1 ELSE 0 END) AS landings
			 FROM $table WHERE ts >= %d",
			$since
		),
		ARRAY_A
	);
	$channels = $wpdb->get_results(
		$wpdb->prepare(
			"SELECT channel, SUM(CASE WHEN type IN ('copy', 'share') THEN 1 ELSE 0 END) AS shares, SUM(CASE WHEN type = 'arrival' THEN 1 ELSE 0 END) AS arrivals
			 FROM $table WHERE ts >= %d AND type <> 'landing' GROUP BY channel ORDER BY shares DESC, arrivals DESC, channel",
			$since
		),
		ARRAY_A
	);
	$pages    = $wpdb->get_results(
		$wpdb->prepare(
			"SELECT url, SUM(CASE WHEN type IN ('copy', 'share') THEN 1 ELSE 0 END) AS shares, SUM(CASE WHEN type = 'arrival' THEN 1 ELSE 0 END) AS arrivals
			 FROM $table WHERE ts >= %d AND type <> 'landing' GROUP BY url",
			$since
		),
		ARRAY_A
	);
	$sourceless = $wpdb->get_results(
		$wpdb->prepare(
			"SELECT url, SUM(CASE WHEN type = 'landing' THEN 1 ELSE 0 END) AS landings, SUM(CASE WHEN type = 'arrival' THEN 1 ELSE 0 END) AS explained
			 FROM $table WHERE ts >= %d AND (type = 'landing' OR (type = 'arrival' AND (referrer IS NULL OR referrer = ''))) GROUP BY url",
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
	$without_referrer = (int) ( $totals['without_referrer'] ?? 0 );
	$landings         = (int) ( $totals['landings'] ?? 0 );
	return array(
		'shares'           => (int) ( $totals['shares'] ?? 0 ),
		'arrivals'         => (int) ( $totals['arrivals'] ?? 0 ),
		'without_referrer' => $without_referrer,
		'landings'         => $landings,
		'sourceless'       => $landings + $without_referrer,
		'channels'         => $out,
		'sources'          => $sources,
		'pages'            => lanterne_report_pages( (array) $pages ),
		'sourceless_pages' => lanterne_report_sourceless_pages( (array) $sourceless ),
	);
}

/**
 * The pages most reached without a source: sourceless visits (landings and click-backs
 * without a referrer) per page, one page one row, the most first.
 *
 * @param array<int, array{url: string, landings: string, explained: string}> $rows By URL.
 * @param int                                                                 $most How many.
 * @return array<int, array{url: string, visits: int, explained: int}>
 */
function lanterne_report_sourceless_pages( $rows, $most = 10 ) {
	$pages = array();
	foreach ( $rows as $row ) {
		$url = lanterne_page_url( $row['url'] );
		if ( ! isset( $pages[ $url ] ) ) {
			$pages[ $url ] = array(
				'url'       => $url,
				'visits'    => 0,
				'explained' => 0,
			);
		}
		$pages[ $url ]['visits']    += (int) $row['landings'] + (int) $row['explained'];
		$pages[ $url ]['explained'] += (int) $row['explained'];
	}
	// As the collector's `sourceless_pages`: most visits, then most landings, then by page.
	usort( $pages, fn( $a, $b ) => array( $b['visits'], $a['explained'], $a['url'] ) <=> array( $a['visits'], $b['explained'], $b['url'] ) );
	return array_slice( $pages, 0, $most );
}

/**
 * The spikes of the last `$days` days: days on which a page received at least
 * LANTERNE_SPIKE_LEAST sourceless landings and at least LANTERNE_SPIKE_TIMES times its
 * median daily sourceless landings over the LANTERNE_SPIKE_DAYS days before.
 *
 * @param int $days How many days, today included.
 * @return array<int, array{url: string, day: int, landings: int, median: float}>
 */
function lanterne_report_spikes_data( $days = 30 ) {
	global $wpdb;
	$table = lanterne_table();
	$first = intdiv( time(), DAY_IN_SECONDS ) - $days + 1;
	$since = ( $first - LANTERNE_SPIKE_DAYS ) * LANTERNE_DAY_MS;
	$day   = LANTERNE_DAY_MS;
	// Landings per page and UTC day (`ts - ts % day`: the day's first millisecond, an
	// integer in MySQL and SQLite alike), from the 28 days before the first day on. Both
	// numbers are integers computed here (prepare() would take `%` for a placeholder).
	// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, by name; integers.
	$rows = $wpdb->get_results( "SELECT url, ts - (ts % $day) AS day, COUNT(*) AS landings FROM $table WHERE type = 'landing' AND ts >= $since GROUP BY url, day", ARRAY_A );
	return lanterne_spikes( (array) $rows, $first, $first + $days - 1 );
}

/**
 * The spikes among daily landing counts (pure: the definition in one place).
 *
 * @param array<int, array{url: string, day: int|string, landings: int|string}> $rows  Landings per URL and day (the day's first millisecond).
 * @param int                                                                    $first The first day looked at (days since 1970).
 * @param int                                                                    $last  The last one.
 * @return array<int, array{url: string, day: int, landings: int, median: float}> By day, then page (as the collector's `spikes`).
 */
function lanterne_spikes( $rows, $first, $last ) {
	$counts = array();
	foreach ( $rows as $row ) {
		$url                    = lanterne_page_url( $row['url'] );
		$day                    = intdiv( (int) $row['day'], LANTERNE_DAY_MS );
		$counts[ $url ][ $day ] = ( $counts[ $url ][ $day ] ?? 0 ) + (int) $row['landings'];
	}
	$spikes = array();
	foreach ( $counts as $url => $by_day ) {
		foreach ( $by_day as $day => $landings ) {
			if ( $day < $first || $day > $last || $landings < LANTERNE_SPIKE_LEAST ) {
				continue;
			}
			$before = array();
			for ( $d = $day - LANTERNE_SPIKE_DAYS; $d < $day; $d++ ) {
				$before[] = $by_day[ $d ] ?? 0;
			}
			sort( $before );
			$middle = intdiv( LANTERNE_SPIKE_DAYS, 2 );
			$median = LANTERNE_SPIKE_DAYS % 2 ? (float) $before[ $middle ] : ( $before[ $middle - 1 ] + $before[ $middle ] ) / 2;
			if ( $landings >= LANTERNE_SPIKE_TIMES * $median ) {
				$spikes[] = array(
					'url'      => (string) $url,
					'day'      => (int) $day,
					'landings' => $landings,
					'median'   => (float) $median,
				);
			}
		}
	}
	usort( $spikes, fn( $a, $b ) => array( $a['day'], $a['url'] ) <=> array( $b['day'], $b['url'] ) );
	return $spikes;
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
 * How much of the visits that arrived without a source lanterne's shares explain, in one
 * sentence, as HTML (the report and the widget).
 *
 * @param array $data From lanterne_report_data().
 * @return string
 */
function lanterne_report_sourceless_sentence( $data ) {
	if ( 0 === $data['sourceless'] ) {
		return '<p class="lanterne-sourceless">' . esc_html__( 'No visit arrived without a source in these 30 days.', 'lanterne' ) . '</p>';
	}
	$percent = (int) round( 100 * $data['without_referrer'] / $data['sourceless'] );
	$text    = sprintf(
		/* translators: 1: a number of visits that came with no referrer (sourceless landings and click-backs without a referrer), 2: the part of them that came through lanterne's shares, a whole percentage (31 for 31 %). */
		_n( 'Of %1$s visit that arrived without a source, %2$s %% came through a share lanterne tracked.', 'Of %1$s visits that arrived without a source, %2$s %% came through a share lanterne tracked.', $data['sourceless'], 'lanterne' ),
		'<strong>' . esc_html( number_format_i18n( $data['sourceless'] ) ) . '</strong>',
		'<strong>' . esc_html( number_format_i18n( $percent ) ) . '</strong>'
	);
	return '<p class="lanterne-sourceless">' . wp_kses( $text, array( 'strong' => array() ) ) . '</p>';
}

/**
 * A page of the site as a report cell: its post's title when it is one, else its URL.
 *
 * @param string $url The page's URL.
 * @return string HTML.
 */
function lanterne_report_page_link( $url ) {
	$id    = url_to_postid( $url );
	$label = $id ? get_the_title( $id ) : $url;
	// Only the site's own URLs are stored, but a link out of wp-admin stays
	// unfollowed and without referrer all the same.
	return '<a href="' . esc_url( $url ) . '" rel="noopener noreferrer nofollow">' . esc_html( $label ) . '</a>';
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
	echo lanterne_report_sourceless_sentence( $data ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped inside.
	if ( 0 === $data['shares'] + $data['arrivals'] + $data['landings'] ) {
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
		array_map( fn( $p ) => array( lanterne_report_page_link( $p['url'] ), esc_html( number_format_i18n( $p['shares'] ) ), esc_html( number_format_i18n( $p['arrivals'] ) ) ), $data['pages'] )
	);
	$table(
		__( 'Posts most reached without a source', 'lanterne' ),
		array( __( 'Post', 'lanterne' ), __( 'Visits without a source', 'lanterne' ), __( 'Through a share lanterne tracked', 'lanterne' ) ),
		array_map( fn( $p ) => array( lanterne_report_page_link( $p['url'] ), esc_html( number_format_i18n( $p['visits'] ) ), esc_html( number_format_i18n( $p['explained'] ) ) ), $data['sourceless_pages'] )
	);
	echo '<p class="description">' . esc_html__( 'A visit without a source: a sourceless landing (a post reached with no referrer and no lanterne share code: not the home page, nor a section front; what analytics tools count as "direct") or a click-back without a referrer.', 'lanterne' ) . '</p>';
	$spikes = lanterne_report_spikes_data( 30 );
	$table(
		__( 'Spikes of sourceless landings', 'lanterne' ),
		array( __( 'Post', 'lanterne' ), __( 'Day', 'lanterne' ), __( 'Sourceless landings', 'lanterne' ), __( 'A usual day (median)', 'lanterne' ) ),
		array_map(
			fn( $s ) => array(
				lanterne_report_page_link( $s['url'] ),
				esc_html( wp_date( (string) get_option( 'date_format' ), $s['day'] * DAY_IN_SECONDS, new DateTimeZone( 'UTC' ) ) ),
				esc_html( number_format_i18n( $s['landings'] ) ),
				esc_html( number_format_i18n( $s['median'], floor( $s['median'] ) === $s['median'] ? 0 : 1 ) ),
			),
			$spikes
		)
	);
	if ( ! $spikes ) {
		echo '<p class="lanterne-empty">' . esc_html__( 'No spike in these 30 days.', 'lanterne' ) . '</p>';
	}
	echo '<p class="description">' . esc_html(
		sprintf(
			/* translators: 1: least sourceless landings in a day (10), 2: how many times the usual day (3), 3: the days before it (28). */
			__( 'A spike: a day on which a page received at least %1$s sourceless landings and at least %2$s times its median daily sourceless landings over the %3$s days before (days without any count as 0). Private sharing shows there.', 'lanterne' ),
			number_format_i18n( LANTERNE_SPIKE_LEAST ),
			number_format_i18n( LANTERNE_SPIKE_TIMES ),
			number_format_i18n( LANTERNE_SPIKE_DAYS )
		)
	) . '</p>';
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
				$data = lanterne_report_data( 30 );
				echo lanterne_report_headline( $data ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped inside.
				echo lanterne_report_sourceless_sentence( $data ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped inside.
				echo '<p><a href="' . esc_url( admin_url( 'index.php?page=lanterne-report' ) ) . '">' . esc_html__( 'The report', 'lanterne' ) . '</a></p>';
			}
		);
	}
);
