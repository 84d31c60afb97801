import { Lanterne } from "./lanterne";
export default function RootLayout({ children }: { children: React.ReactNode }) {
  return <html lang="en"><body>{children}<Lanterne /></body></html>;
}
