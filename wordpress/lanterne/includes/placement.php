<?php
/**
 * The share block, and buttons placed after the content automatically: in block themes
 * a Block Hook after the post content of the single-post and page templates; in classic
 * themes the `the_content` filter on singular main-query views. A post that already has
 * the block or the shortcode gets no second row.
 *
 * @package lanterne
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'init',
	function () {
		$block = register_block_type( LANTERNE_DIR . '/blocks/share' );
		// The editor's strings from the plugin's own JSON catalogues (languages/, built
		// from the .po): without a path WordPress looks in wp-content/languages only.
		foreach ( $block ? $block->editor_script_handles : array() as $handle ) {
			wp_set_script_translations( $handle, 'lanterne', LANTERNE_DIR . '/languages' );
		}
	}
);

/**
 * Whether buttons go after this post's content automatically.
 *
 * @param WP_Post|null $post The post.
 * @return bool
 */
function lanterne_placed_after( $post ) {
	return $post instanceof WP_Post
		&& in_array( $post->post_type, (array) lanterne_option( 'lanterne_placement' ), true )
		&& ! has_block( 'lanterne/share', $post )
		&& ! has_shortcode( $post->post_content, 'lanterne_share' );
}

/**
 * Block themes: the share block after the post content of single posts and pages.
 *
 * @param string[]                                              $hooked   Blocks hooked here.
 * @param string                                                $position before, after…
 * @param string                                                $anchor   The anchor block.
 * @param WP_Block_Template|WP_Post|array<string, mixed>|null $context  Where.
 * @return string[]
 */
function lanterne_hooked_blocks( $hooked, $position, $anchor, $context ) {
	if ( 'after' === $position && 'core/post-content' === $anchor && $context instanceof WP_Block_Template ) {
		$types = (array) lanterne_option( 'lanterne_placement' );
		$slug  = $context->slug;
		if ( ( in_array( 'post', $types, true ) && in_array( $slug, array( 'single', 'single-post' ), true ) )
			|| ( in_array( 'page', $types, true ) && 'page' === $slug ) ) {
			$hooked[] = 'lanterne/share';
		}
	}
	return $hooked;
}
add_filter( 'hooked_block_types', 'lanterne_hooked_blocks', 10, 4 );

/**
 * Marks the hooked block as placed automatically, so that it renders only where
 * placement applies (a post holding its own share block or shortcode gets no second row).
 *
 * @param array|null $block The hooked block, parsed.
 * @return array|null
 */
function lanterne_mark_hooked( $block ) {
	if ( is_array( $block ) ) {
		$block['attrs']['automatic'] = true;
	}
	return $block;
}
add_filter( 'hooked_block_lanterne/share', 'lanterne_mark_hooked' );

/**
 * Classic themes: the buttons after the content of singular main-query views.
 *
 * @param string $content The post's content.
 * @return string
 */
function lanterne_after_content( $content ) {
	if ( wp_is_block_theme() || ! is_singular() || ! in_the_loop() || ! is_main_query() || ! lanterne_placed_after( get_post() ) ) {
		return $content;
	}
	return $content . lanterne_buttons_html( array() );
}
add_filter( 'the_content', 'lanterne_after_content', 20 );
