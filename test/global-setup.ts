// Builds the release module once before the tests, so they always run against current sources.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync("npx", ["asc", "assembly/index.ts", "--target", "release"], { stdio: "inherit" });
}
