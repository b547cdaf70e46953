/** Two projects split by cost (docs/ARCHITECTURE.md, "Test hooks"): pure unit tests beside the
 * code, end-to-end tests with real processes under test/. Workspace imports resolve to sources for unit tests; the
 * end-to-end tests spawn the compiled servers, so `tsc -b` runs before jest (see package.json). */
const moduleNameMapper = {
  "^@omero-fs/protocol/zmq$": "<rootDir>/packages/protocol/src/zmq/index.ts",
  "^@omero-fs/([a-z]+)$": "<rootDir>/packages/$1/src/index.ts",
};
const transform = { "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.jest.json" }] };
module.exports = {
  projects: [
    {
      displayName: "unit",
      testMatch: ["<rootDir>/packages/*/src/**/*.test.ts"],
      testEnvironment: "node",
      moduleNameMapper,
      transform,
    },
    {
      displayName: "e2e",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testEnvironment: "node",
      moduleNameMapper,
      transform,
      testTimeout: 120000,
    },
  ],
};
