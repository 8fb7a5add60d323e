/**
 * The queue-mode suite (`npm run test:queue`): n8n main, workers and a webhook processor on
 * Redis and PostgreSQL, with this package installed from its tarball. Global setup installs
 * Redis and PostgreSQL (Debian) and the n8n under test when missing, and packs the package.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.queue.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	globalSetup: '<rootDir>/test/queue/global-setup.ts',
	testTimeout: 300_000,
	maxWorkers: 1,
};
