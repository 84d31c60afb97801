"use client";
// Test hook, not part of the README's recipe: exposes the app's own `start` (the one
// Turbopack or webpack bundled) so tests/e2e/bundled.mjs's assertLazyModules can make it
// load lanterne's two lazy modules from where the bundler put them.
import { useEffect } from "react";
import { start } from "lanterne";

declare global {
  interface Window { __lanterneStart?: typeof start }
}

export function TestHook() {
  useEffect(() => { window.__lanterneStart = start; }, []);
  return null;
}
