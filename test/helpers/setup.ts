// Every end-to-end file (jest.config.js, setupFilesAfterEnv). jest reads `testTimeout` from the
// global configuration only, not from a project's, so the e2e default is set here: a backstop; a
// test fails first on the deadline of what it waits for (wait.ts), which names it.
jest.setTimeout(120_000);
