import type { Channel } from "../lanterne.js";

/** What {@link shareRow} writes (docs/share-buttons.md#share-links-before-the-script). */
export interface ShareRowOptions {
  /** The page shared: an absolute http(s) URL. */
  url: string;
  /** Its title. */
  title?: string;
  /** A message to go with it, where the channel takes one. */
  text?: string;
  /** Which buttons, in order. Default whatsapp, telegram, signal, sms, email, copy_link. */
  channels?: Channel[];
  /** Show labels next to the icons (false: icon-only). Default true. */
  labels?: boolean;
  /** The page's language (its <html lang>): English, or French for "fr" and "fr-*". Default "en". */
  lang?: string;
  /** UTM parameters on the links, as lanterne's own option. Default true. */
  utm?: boolean;
  /** utm_campaign of the links. */
  utmCampaign?: string;
  /** Mastodon server for the Mastodon button. */
  mastodonInstance?: string;
}

/**
 * The markup of a `data-lanterne-share` container holding lanterne's buttons as links that
 * work before its script arrives, in the space its buttons take. Node only (it reads the
 * package's files). Throws an Error naming the option when one is bad.
 * @example const html = shareRow({ url: "https://blog.example/a", title: "A" });
 */
export function shareRow(options: ShareRowOptions): string;
