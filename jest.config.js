/** Jest runs the TypeScript tests as ESM (Probot 14 is ESM-only). */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json", diagnostics: false }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  // The start-path and CLI tests run dist/: build it first when it is older than src/.
  globalSetup: "<rootDir>/test/build-dist.js",
  testTimeout: 20000,
};
