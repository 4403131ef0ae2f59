// `npm run test:runtimes`: the conformance corpus in every runtime (slow; needs the runtimes installed).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/runtimes/**/*.spec.ts"],
    testTimeout: 180_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
