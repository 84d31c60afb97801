// A server component with a declared share container: lanterne draws it once the
// client-side navigation has put it in the page.
import { connection } from "next/server";
import Link from "next/link";

export const metadata = { title: "About" };

export default async function About() {
  await connection(); // rendered per request, for the CSP nonce
  return (
    <main>
      <h1>About</h1>
      <p>Letters travel further than their writers ever do.</p>
      <div data-lanterne-share data-channels="telegram,sms"></div>
      <nav><Link href="/articles/1">Back to the article</Link></nav>
    </main>
  );
}
