<?php
/**
 * The share block on the server: the buttons' container with its fallback links, for
 * the post in context (a query loop, a template) or the current one.
 *
 * @package lanterne
 *
 * @var array    $attributes The block's attributes.
 * @var WP_Block $block      The block.
 */

defined( 'ABSPATH' ) || exit;

$lanterne_post = isset( $block->context['postId'] ) ? (int) $block->context['postId'] : null;
// Placed by the Block Hook: only where automatic placement applies to this post.
if ( ! empty( $attributes['automatic'] ) && ! lanterne_placed_after( get_post( $lanterne_post ) ) ) {
	return;
}
$lanterne_html = lanterne_buttons_html( lanterne_sanitize_channels( $attributes['channels'] ?? '' ), $lanterne_post );
if ( '' !== $lanterne_html ) {
	// Placed automatically, the row is a sibling of the post content in the template, not
	// inside it: it takes the content's own layout (the block theme's root padding and
	// content width), so it lines up with the paragraphs at every width.
	$lanterne_wrapper = get_block_wrapper_attributes( empty( $attributes['automatic'] ) ? array() : array( 'class' => 'is-automatic has-global-padding is-layout-constrained' ) );
	printf( '<div %s>%s</div>', $lanterne_wrapper, $lanterne_html ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- both escaped where they are made.
}
