// The `warden` executable (package.json "bin"): runs the CLI on this process's arguments and streams.

import { main } from "./main";

const color = process.stdout.isTTY === true && !("NO_COLOR" in process.env) && process.env.TERM !== "dumb";

const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  color,
  debug: false,
});
process.exitCode = code;
