// The package version, read from package.json at build time (esbuild inlines it).

import { version } from "../package.json";

export const VERSION: string = version;
