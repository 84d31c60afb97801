// A server component, rendered for each request (the CSP nonce is per request, and the
// paragraph names this site's own address, as the visitor reached it).
import { headers } from "next/headers";
import Link from "next/link";
import { ShareButtons } from "../../lanterne";
import { TestHook } from "../../test-hook";

export const metadata = { title: "The lighthouse keepers of Ouessant" };

export default async function Article() {
  const host = (await headers()).get("host");
  return (
    <main>
      <h1>The lighthouse keepers of Ouessant</h1>
      <p id="para">{`Five keepers lived on the rock through the winter of 1911; the rest of their story is at http://${host}/articles/2 for anyone curious.`}</p>
      <section id="share">
        <ShareButtons channels={["whatsapp", "telegram", "email", "copy_link"]} />
      </section>
      <nav><Link href="/about">About this site</Link></nav>
      <TestHook />
    </main>
  );
}
