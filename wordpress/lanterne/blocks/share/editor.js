/* The share block in the editor: a preview drawn by the server, and the channels in the
 * block's settings. Plain script on WordPress's own packages: nothing to build. */
( function ( wp ) {
	const { registerBlockType } = wp.blocks;
	const { createElement: el, Fragment } = wp.element;
	const { InspectorControls, useBlockProps } = wp.blockEditor;
	const { PanelBody, TextControl } = wp.components;
	const { __ } = wp.i18n;
	const ServerSideRender = wp.serverSideRender;

	registerBlockType( 'lanterne/share', {
		edit( { attributes, setAttributes } ) {
			return el(
				Fragment,
				null,
				el(
					InspectorControls,
					null,
					el(
						PanelBody,
						{ title: __( 'Channels', 'lanterne' ) },
						el( TextControl, {
							label: __( 'Channels, in order (empty: the site setting)', 'lanterne' ),
							help: __( 'Comma-separated: whatsapp, telegram, signal, sms, email, copy_link…', 'lanterne' ),
							value: attributes.channels,
							onChange: ( channels ) => setAttributes( { channels } ),
						} )
					)
				),
				el(
					'div',
					useBlockProps(),
					el( ServerSideRender, { block: 'lanterne/share', attributes } )
				)
			);
		},
		save: () => null,
	} );
} )( window.wp );
