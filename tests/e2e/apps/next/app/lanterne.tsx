"use client";
import { useEffect, useRef } from "react";
import { start, type Tracker, type Channel } from "lanterne";

let started: Promise<Tracker> | undefined;
/** lanterne, started on first use (once per page load), in the browser only. */
export const tracker = () => (started ??= start({ endpoint: "/collect" }));

/** Rendered once by the root layout: starts lanterne on every page, buttons or not. */
export function Lanterne() {
  useEffect(() => { tracker(); }, []);
  return null;
}

/** Share buttons drawn by lanterne into a div, removed with the component. */
export function ShareButtons({ channels }: { channels: Channel[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const key = channels.join();
  useEffect(() => {
    let buttons: { remove(): void } | undefined;
    let gone = false;
    tracker().then((t) => { if (!gone) buttons = t.renderButtons(ref.current!, { channels }); });
    return () => { gone = true; buttons?.remove(); };
  }, [key]);
  return <div ref={ref} />;
}
