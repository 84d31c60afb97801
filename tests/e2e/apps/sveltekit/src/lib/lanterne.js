// src/lib/lanterne.js
import { start } from "lanterne"; // importing it on the server does nothing

let started;
/** Starts lanterne once per page load, in the browser only (onMount, actions). */
export const lanterne = () => (started ??= start({ endpoint: "/collect" }));

/** <div use:share={{ channels: ["whatsapp", "email"] }}></div> */
export function share(node, options) {
  let buttons;
  let gone = false;
  const draw = (opts) => lanterne().then((t) => { if (!gone) buttons = t.renderButtons(node, opts); });
  draw(options);
  return { update: draw, destroy() { gone = true; buttons?.remove(); } };
}
