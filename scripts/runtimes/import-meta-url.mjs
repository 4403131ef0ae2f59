// Injected into the CommonJS build (scripts/runtimes/build-entries.mjs) in place of import.meta.url.
export const __warden_import_meta_url = require("node:url").pathToFileURL(__filename).href;
