// ESLint over hand-written TypeScript (typescript-eslint's recommended rules, no type information,
// so it stays fast); layering and import circles are dependency-cruiser's (.dependency-cruiser.cjs),
// formatting is Prettier's. Generated files and build output are not linted.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "build/",
      "bindings/gen/",
      "assembly/",
      "test/conformance/*.json",
      "bench/results/",
      "test-artifacts/",
      "**/*.d.mts",
      "test/runtimes/consumer/",
    ],
  },
  { files: ["**/*.ts"], ...js.configs.recommended },
  ...tseslint.configs.recommended.map((c) => ({ files: ["**/*.ts"], ...c })),
  {
    files: ["**/*.ts"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        fetch: "readonly",
        WebAssembly: "readonly",
        globalThis: "readonly",
        queueMicrotask: "readonly",
        structuredClone: "readonly",
        AbortController: "readonly",
        performance: "readonly",
        setImmediate: "readonly",
        URLSearchParams: "readonly",
        Response: "readonly",
        Request: "readonly",
        Headers: "readonly",
        crypto: "readonly",
        navigator: "readonly",
        document: "readonly",
        window: "readonly",
        location: "readonly",
        self: "readonly",
        FinalizationRegistry: "readonly",
        WeakRef: "readonly",
      },
    },
    rules: {
      // `_name` marks a binding kept for its position or to drop a field from a spread.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      "no-empty": ["error", { allowEmptyCatch: true }],
    },
  },
  {
    // Tests read untyped JSON answers (HTTP bodies, MCP results) field by field.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
