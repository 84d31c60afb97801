<?php
/**
 * Unit tests of the plugin's event checks (includes/events.php), without WordPress:
 *   php tests/php/events-test.php
 * Exits 1 on the first failure. The good event and the bad ones are those the
 * collector's tests use (tests/e2e/collector.test.mjs), so both receivers agree.
 */

define( 'ABSPATH', __DIR__ );
require __DIR__ . '/../../wordpress/lanterne/includes/events.php';

$failures = 0;
function check( $name, $ok ) {
	global $failures;
	if ( ! $ok ) {
		$failures++;
		fwrite( STDERR, "FAIL: $name\n" );
	} else {
		echo "ok: $name\n";
	}
}

$good = array( 'v' => 1, 'id' => '0f8fad5b-d9cb-469f-a165-70867728950e', 'type' => 'share', 'channel' => 'whatsapp', 'token' => 'wAbCdEfGhIj9', 'parent' => null, 'url' => 'https://blog.example/a', 'title' => 'A', 'ts' => 1763700000000 );
check( 'a good share', null === lanterne_event_problem( $good ) );
check( 'a good copy', null === lanterne_event_problem( array_merge( $good, array( 'type' => 'copy', 'channel' => 'copy', 'token' => 'cAbCdEfGhIj9', 'chars' => 40 ) ) ) );
check( 'a good arrival without referrer', null === lanterne_event_problem( array_merge( $good, array( 'type' => 'arrival', 'parent' => 'wAbCdEfGhIj9', 'referrer' => null ) ) ) );
check( 'unknown fields are accepted', null === lanterne_event_problem( array_merge( $good, array( 'later' => array( 'x' => 1 ) ) ) ) );
// A sourceless landing: the page reached with no referrer and no token.
$landing = array( 'v' => 1, 'id' => '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'type' => 'landing', 'channel' => 'none', 'token' => null, 'parent' => null, 'url' => 'https://blog.example/a', 'title' => 'A', 'ts' => 1763700000000 );
check( 'a good landing', null === lanterne_event_problem( $landing ) );
check( 'a landing with a referrer or chars: let through, as the schema does (not stored)', null === lanterne_event_problem( array_merge( $landing, array( 'referrer' => 'https://a.example/', 'chars' => 3 ) ) ) );

$bad = array(
	'not an event'           => array( 42, '/not an event/' ),
	'a list'                 => array( array( 1, 2 ), '/not an event/' ),
	'no id'                  => array( array_diff_key( $good, array( 'id' => 0 ) ), '#^/id is required#' ),
	'version 2'              => array( array_merge( $good, array( 'v' => 2 ) ), '#^/v#' ),
	'id not v4'              => array( array_merge( $good, array( 'id' => '0f8fad5b-d9cb-169f-a165-70867728950e' ) ), '#^/id#' ),
	'unknown type'           => array( array_merge( $good, array( 'type' => 'like' ) ), '#^/type#' ),
	'unknown channel'        => array( array_merge( $good, array( 'channel' => 'myspace' ) ), '#^/channel#' ),
	'bad token shape'        => array( array_merge( $good, array( 'token' => 'wAbC' ) ), '#^/token#' ),
	'token of no channel'    => array( array_merge( $good, array( 'token' => 'zAbCdEfGhIj9' ) ), '#^/token#' ),
	'token ending in _'      => array( array_merge( $good, array( 'token' => 'wAbCdEfGhIj_' ) ), '#^/token#' ),
	'token with a newline'   => array( array_merge( $good, array( 'token' => "wAbCdEfGhIj9\n" ) ), '#^/token#' ),
	'bad parent'             => array( array_merge( $good, array( 'parent' => 'nope' ) ), '#^/parent#' ),
	'javascript url'         => array( array_merge( $good, array( 'url' => 'javascript:alert(1)' ) ), '#^/url#' ),
	'oversized url'          => array( array_merge( $good, array( 'url' => 'https://a.example/' . str_repeat( 'x', 4096 ) ) ), '#^/url#' ),
	'oversized title'        => array( array_merge( $good, array( 'title' => str_repeat( 'x', 2000 ) ) ), '#^/title#' ),
	'a title of 1024 é'      => array( array_merge( $good, array( 'title' => str_repeat( 'é', 1025 ) ) ), '#^/title#' ),
	'absurd timestamp'       => array( array_merge( $good, array( 'ts' => 99 ) ), '#^/ts#' ),
	'timestamp as a string'  => array( array_merge( $good, array( 'ts' => 'yesterday' ) ), '#^/ts#' ),
	'fractional timestamp'   => array( array_merge( $good, array( 'ts' => 1763700000000.5 ) ), '#^/ts#' ),
	'copy without chars'     => array( array_merge( $good, array( 'type' => 'copy', 'channel' => 'copy' ) ), '/chars/' ),
	'copy on a share channel'=> array( array_merge( $good, array( 'type' => 'copy', 'chars' => 3 ) ), '/channel copy/' ),
	'zero chars'             => array( array_merge( $good, array( 'type' => 'copy', 'channel' => 'copy', 'chars' => 0 ) ), '#^/chars#' ),
	'arrival without referrer' => array( array_merge( $good, array( 'type' => 'arrival' ) ), '/referrer/' ),
	'share on address_bar'   => array( array_merge( $good, array( 'channel' => 'address_bar', 'token' => 'aAbCdEfGhIj9' ) ), '/share channel/' ),
	'landing with a token'   => array( array_merge( $landing, array( 'token' => 'wAbCdEfGhIj9' ) ), '#^/token must be null for a landing#' ),
	'landing with a parent'  => array( array_merge( $landing, array( 'parent' => 'wAbCdEfGhIj9' ) ), '#^/parent must be null#' ),
	'landing on a channel'   => array( array_merge( $landing, array( 'channel' => 'whatsapp' ) ), '#^/channel must be none#' ),
	'landing without token'  => array( array_diff_key( $landing, array( 'token' => 0 ) ), '#^/token is required#' ),
	'landing, bad chars'     => array( array_merge( $landing, array( 'chars' => 0 ) ), '#^/chars#' ),
	'landing, bad url'       => array( array_merge( $landing, array( 'url' => 'javascript:alert(1)' ) ), '#^/url#' ),
	'landing, bad id'        => array( array_merge( $landing, array( 'id' => 'x' ) ), '#^/id#' ),
	'channel none on a share'=> array( array_merge( $good, array( 'channel' => 'none' ) ), '#^/channel is not a known#' ),
	'share without a token'  => array( array_merge( $good, array( 'token' => null ) ), '#^/token is not a share token#' ),
);
foreach ( $bad as $name => list( $event, $pattern ) ) {
	$problem = lanterne_event_problem( $event );
	check( "$name: refused ($problem)", is_string( $problem ) && preg_match( $pattern, $problem ) );
}
$title_1024 = array_merge( $good, array( 'title' => str_repeat( 'é', 1024 ) ) );
check( 'a title of 1024 characters (2048 bytes) is fine', null === lanterne_event_problem( $title_1024 ) );

// Bodies.
list( $events, $problem, $status ) = lanterne_parse_events( json_encode( array( $good, $good ) ) );
check( 'a batch', 2 === count( $events ) && 200 === $status );
list( $events, $problem, $status ) = lanterne_parse_events( json_encode( $good ) );
check( 'one event', 1 === count( $events ) && 200 === $status );
list( $events, $problem, $status ) = lanterne_parse_events( json_encode( array( $good, $landing ) ) );
check( 'a batch with a landing', 2 === count( $events ) && 200 === $status && null === $events[1]['token'] );
list( , $problem, $status ) = lanterne_parse_events( '{"v":1,' );
check( 'malformed JSON: 400', 400 === $status && str_contains( $problem, 'not valid JSON' ) );
list( , $problem, $status ) = lanterne_parse_events( '[]' );
check( 'empty batch: 400', 400 === $status );
list( , $problem, $status ) = lanterne_parse_events( str_repeat( '[', 5000 ) . str_repeat( ']', 5000 ) );
check( 'deep nesting: 400', 400 === $status );
list( , $problem, $status ) = lanterne_parse_events( json_encode( array( $good, array_merge( $good, array( 'ts' => 1 ) ) ) ) );
check( 'the bad event is named by index', 400 === $status && str_starts_with( $problem, 'event 1: /ts' ) );
list( , $problem, $status ) = lanterne_parse_events( json_encode( array_fill( 0, 101, $good ) ) );
check( 'more than 100 events: 413', 413 === $status );
list( , $problem, $status ) = lanterne_parse_events( str_repeat( ' ', 70000 ) . json_encode( $good ) );
check( 'oversize body: 413', 413 === $status );

// A page's identity.
foreach ( array(
	'https://blog.example/a/'                                           => 'https://blog.example/a/',
	'https://blog.example/a/?utm_source=newsletter&utm_medium=email'    => 'https://blog.example/a/',
	'https://blog.example/a/#comments'                                  => 'https://blog.example/a/',
	'https://blog.example/a/?lt=cAbCdEfGhIj9#lt=wAbCdEfGhIj9'          => 'https://blog.example/a/',
	'https://blog.example/a/?p=2&UTM_Campaign=x&lt=5'                   => 'https://blog.example/a/?p=2&lt=5',
	'https://blog.example/?s=a%26b&utm_id=1&page=2'                     => 'https://blog.example/?s=a%26b&page=2',
) as $url => $page ) {
	check( "page of $url", lanterne_page_url( $url ) === $page );
}

echo $failures ? "$failures failed\n" : "all passed\n";
exit( $failures ? 1 : 0 );
