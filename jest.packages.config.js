/**
 * The per-vendor package suite (`npm run test:packages`): each tarball of packaging/'s packages
 * (from `npm run check:packages`, checked again when stale) installed alone into a real n8n, the
 * newest of the matrix, running its examples against the fakes; then the combined package and both
 * per-vendor packages in one n8n.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/packages'],
	testMatch: ['**/*.e2e.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	globalSetup: '<rootDir>/test/packages/global-setup.ts',
	testTimeout: 180_000,
	maxWorkers: 1,
};
