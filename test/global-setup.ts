// Builds the release module once before the tests, so they always run against current sources.
// The build goes to a temporary file renamed into place, so a concurrent reader never sees half a module.
import { execFileSync } from "node:child_process";
import { renameSync } from "node:fs";

export default function setup(): void {
  const tmp = `build/warden.${process.pid}.wasm`;
  execFileSync("npx", ["asc", "assembly/index.ts", "--target", "release", "-o", tmp, "-t", `${tmp}.wat`], { stdio: "inherit" });
  renameSync(tmp, "build/warden.wasm");
  renameSync(`${tmp}.wat`, "build/warden.wat");
}
