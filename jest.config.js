/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	testTimeout: 60_000,
	setupFiles: ['<rootDir>/test/harness/environment.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/harness/teardown.ts'],
};
