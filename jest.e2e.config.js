/**
 * The end-to-end suite (`npm run test:e2e`): the examples in a real n8n with this package
 * installed from its tarball. Global setup installs the pinned n8n on first use (minutes) and packs
 * the package. Kept apart from the unit suite (jest.config.js matches *.test.ts only).
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	testTimeout: 180_000,
	maxWorkers: 1,
};
