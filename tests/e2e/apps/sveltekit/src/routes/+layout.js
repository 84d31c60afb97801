// Every page is prerendered to <route>/index.html, which any static host (the collector's
// --static included) serves at /app/<route>/ with no fallback.
export const prerender = true;
export const trailingSlash = "always";
