<?php
/**
 * Unit tests of the settings' sanitisers, run inside WordPress (they use its escaping and
 * validation functions): tests/e2e/wordpress.test.mjs runs this file with WordPress
 * loaded and the plugin active, and reads "all passed".
 */

$failures = 0;
function check_same( $name, $expected, $actual ) {
	global $failures;
	if ( $expected !== $actual ) {
		$failures++;
		echo "FAIL: $name: expected " . var_export( $expected, true ) . ', got ' . var_export( $actual, true ) . "\n";
	}
}

check_same( 'destination kept', 'umami', lanterne_sanitize_destination( 'umami' ) );
check_same( 'unknown destination: the stored one', 'site', lanterne_sanitize_destination( 'myspace' ) );
check_same( 'destination not a string', 'site', lanterne_sanitize_destination( array( 'site' ) ) );
check_same( 'endpoint', 'https://stats.example/collect', lanterne_sanitize_endpoint( ' https://stats.example/collect ' ) );
check_same( 'empty endpoint', '', lanterne_sanitize_endpoint( '' ) );
check_same( 'javascript: refused', '', lanterne_sanitize_endpoint( 'javascript:alert(1)' ) );
check_same( 'not a URL refused', '', lanterne_sanitize_endpoint( 'stats example' ) );
check_same( 'site id', 'blog.example', lanterne_sanitize_site_id( 'blog.example' ) );
check_same( 'site id with markup refused', '', lanterne_sanitize_site_id( '<script>' ) );
check_same( 'channels from text', array( 'telegram', 'email' ), lanterne_sanitize_channel_option( ' Telegram,email,,nonsense,telegram ' ) );
check_same( 'channels from a list', array( 'sms', 'copy_link' ), lanterne_sanitize_channel_option( array( 'sms', 'copy_link', 42 ) ) );
check_same( 'no channel: the stored ones', LANTERNE_DEFAULT_CHANNELS, lanterne_sanitize_channel_option( 'nonsense' ) );
check_same( 'placement', array( 'post', 'page' ), lanterne_sanitize_placement( array( 'page', 'post', 'attachment', '' ) ) );
check_same( 'placement off', array(), lanterne_sanitize_placement( array( '' ) ) );
check_same( 'placement not a list', array(), lanterne_sanitize_placement( 'post' ) );
check_same( 'flag on', true, lanterne_sanitize_flag( '1' ) );
check_same( 'flag off', false, lanterne_sanitize_flag( '0' ) );
check_same( 'flag junk', false, lanterne_sanitize_flag( 'yes please' ) );
check_same( 'consent', 'pending', lanterne_sanitize_consent( 'pending' ) );
check_same( 'consent junk', 'granted', lanterne_sanitize_consent( 'maybe' ) );
check_same( 'campaign stripped', 'spring sale', lanterne_sanitize_campaign( "spring <b>sale</b>\n" ) );
check_same( 'campaign bounded', 100, strlen( lanterne_sanitize_campaign( str_repeat( 'a', 500 ) ) ) );
check_same( 'retention', 30, lanterne_sanitize_retention( '30' ) );
check_same( 'retention out of range: the stored one', 395, lanterne_sanitize_retention( '0' ) );
check_same( 'retention junk', 395, lanterne_sanitize_retention( 'forever' ) );
check_same( 'share link', 'https://api.whatsapp.com/send?text=A%20%26%20B%0Ahttps%3A%2F%2Fblog.example%2Fa%3Fb%3D1', lanterne_share_link( 'whatsapp', 'https://blog.example/a?b=1', 'A & B' ) );
check_same( 'no share page for signal', null, lanterne_share_link( 'signal', 'https://blog.example/', 'A' ) );
echo $failures ? "$failures failed\n" : "all passed\n";
