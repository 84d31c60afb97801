<?php
/**
 * Plugin Name:       lanterne
 * Plugin URI:        https://github.com/lanterne/lanterne
 * Description:       Share buttons for messengers and e-mail, and a count of the sharing analytics tools file as "direct": copies, address-bar links and the visits they bring back. Nothing leaves your site.
 * Version:           0.1.0
 * Author:            The lanterne contributors
 * Author URI:        https://github.com/lanterne/lanterne
 * Requires at least: 6.5
 * Requires PHP:      8.0
 * License:           MIT
 * License URI:       https://opensource.org/licenses/MIT
 * Text Domain:       lanterne
 * Domain Path:       /languages
 *
 * The WebAssembly module in assets/ is built from the Rust source of the lanterne
 * repository (src/), with `bash scripts/build.sh`; see readme.txt, "Source code".
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

define( 'LANTERNE_VERSION', '0.1.0' );
define( 'LANTERNE_FILE', __FILE__ );
define( 'LANTERNE_DIR', __DIR__ );

add_action(
	'init',
	function () {
		load_plugin_textdomain( 'lanterne', false, dirname( plugin_basename( LANTERNE_FILE ) ) . '/languages' );
	}
);

require_once LANTERNE_DIR . '/includes/settings.php';
require_once LANTERNE_DIR . '/includes/front.php';
require_once LANTERNE_DIR . '/includes/buttons.php';
require_once LANTERNE_DIR . '/includes/events.php';
require_once LANTERNE_DIR . '/includes/guard.php';
require_once LANTERNE_DIR . '/includes/collect.php';
require_once LANTERNE_DIR . '/includes/report.php';
require_once LANTERNE_DIR . '/includes/placement.php';
require_once LANTERNE_DIR . '/includes/privacy.php';
