<?php
/**
 * Unit tests of the settings' sanitisers, run inside WordPress (they use its escaping and
 * validation functions): tests/e2e/wordpress.test.mjs runs this file with WordPress
 * loaded and the plugin active, and reads "all passed".
 */

require_once ABSPATH . 'wp-admin/includes/template.php'; // add_settings_error()

$failures = 0;
function check_same( $name, $expected, $actual ) {
	global $failures;
	if ( $expected !== $actual ) {
		$failures++;
		echo "FAIL: $name: expected " . var_export( $expected, true ) . ', got ' . var_export( $actual, true ) . "\n";
	}
}

check_same( 'destination without an endpoint: the stored one', 'site', lanterne_sanitize_destination( 'umami' ) );
check_same( 'destination with the endpoint submitted', 'umami', ( function () { $_POST['lanterne_endpoint'] = 'https://stats.example/api/send'; $d = lanterne_sanitize_destination( 'umami' ); unset( $_POST['lanterne_endpoint'] ); return $d; } )() );
check_same( 'destination with a bad endpoint submitted', 'site', ( function () { $_POST['lanterne_endpoint'] = 'javascript:alert(1)'; $d = lanterne_sanitize_destination( 'plausible' ); unset( $_POST['lanterne_endpoint'] ); return $d; } )() );
check_same( 'ga4 needs no endpoint', 'ga4', lanterne_sanitize_destination( 'ga4' ) );
check_same( 'unknown destination: the stored one', 'site', lanterne_sanitize_destination( 'myspace' ) );
check_same( 'destination not a string', 'site', lanterne_sanitize_destination( array( 'site' ) ) );
check_same( 'endpoint', 'https://stats.example/collect', lanterne_sanitize_endpoint( ' https://stats.example/collect ' ) );
check_same( 'empty endpoint', '', lanterne_sanitize_endpoint( '' ) );
check_same( 'javascript: refused', '', lanterne_sanitize_endpoint( 'javascript:alert(1)' ) );
check_same( 'not a URL refused', '', lanterne_sanitize_endpoint( 'stats example' ) );
check_same( 'site id', 'blog.example', lanterne_sanitize_site_id( 'blog.example' ) );
check_same( 'site id with markup refused', '', lanterne_sanitize_site_id( '<script>' ) );
check_same( 'channels from text', array( 'telegram', 'email' ), lanterne_sanitize_channel_option( ' Telegram,email,,telegram ' ) );
check_same( 'an unknown channel: the stored ones', LANTERNE_DEFAULT_CHANNELS, lanterne_sanitize_channel_option( 'telegram, nonsense' ) );
check_same( 'the unknown channel named', 'Unknown channels: nonsense, myspace. Nothing changed.', ( function () { lanterne_sanitize_channel_option( 'nonsense,telegram,myspace' ); $e = get_settings_errors( 'lanterne_channels' ); return end( $e )['message']; } )() );
check_same( 'hosts', array( 'www.blog.example', 'blog.example', '192.0.2.1' ), lanterne_sanitize_hosts( "WWW.blog.example, blog.example.\n192.0.2.1 blog.example" ) );
check_same( 'a URL is no host: the stored ones', array(), lanterne_sanitize_hosts( 'https://blog.example/' ) );
check_same( 'no host', array(), lanterne_sanitize_hosts( '' ) );
check_same( 'proxy header', 'cf-connecting-ip', lanterne_sanitize_proxy_header( 'cf-connecting-ip' ) );
check_same( 'proxy header off', '', lanterne_sanitize_proxy_header( '' ) );
check_same( 'unknown proxy header', '', lanterne_sanitize_proxy_header( 'X-Evil' ) );
check_same( 'labels', array( 'Share by email', 'Share by SMS', 'Share on WhatsApp', 'Share on Signal' ), array_map( 'lanterne_share_label', array( 'email', 'sms', 'whatsapp', 'signal' ) ) );
$_SERVER['REMOTE_ADDR'] = '10.0.0.1';
$_SERVER['HTTP_X_FORWARDED_FOR'] = '203.0.113.9, 198.51.100.4';
check_same( 'address: REMOTE_ADDR by default', '10.0.0.1', lanterne_client_address() );
update_option( 'lanterne_proxy_header', 'x-forwarded-for' );
check_same( 'address: the last entry of the header', '198.51.100.4', lanterne_client_address() );
$_SERVER['HTTP_X_FORWARDED_FOR'] = 'nonsense';
check_same( 'address: not an address, REMOTE_ADDR', '10.0.0.1', lanterne_client_address() );
delete_option( 'lanterne_proxy_header' );
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
