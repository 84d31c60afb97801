/**
 * Several strings for the core as one, NUL-joined (src/wasm.rs explains why). A NUL that a
 * script put in a title or a text is dropped; nothing else can hold one.
 */
export const joinFields = (fields) => fields.map((f) => String(f ?? "").replaceAll("\0", "")).join("\0");
