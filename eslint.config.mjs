// ESLint 9 flat config for an n8n community-node package.
//
// Modelled on @n8n/node-cli's own config (dist/configs/eslint.js in @n8n/node-cli@0.48.3):
// - @n8n/eslint-plugin-community-nodes, `recommended` (the n8n Cloud variant), for every .ts file and package.json;
// - eslint-plugin-n8n-nodes-base (an eslintrc-era plugin, wired in by hand): its `credentials` rules for
//   credentials/, its `nodes` rules for nodes/, its `community` rules for package.json.
// Plus explicit core-rule restrictions mirroring n8n's verification scanner (see SCANNER_* below).
//
// package.json is parsed with the typescript-eslint parser (as node-cli does), not jsonc-eslint-parser: the
// package.json rules of both plugins look for an ESTree `ObjectExpression` under an `ExpressionStatement`, which
// TypeScript's JSON parsing produces; jsonc-eslint-parser produces `JSONObjectExpression` nodes, on which those
// rules silently never fire.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { defineConfig, globalIgnores } from 'eslint/config';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const communityNodesRecommended = n8nCommunityNodesPlugin.configs.recommended;

// Globals n8n's verification scanner rejects in nodes/ and credentials/.
const SCANNER_GLOBALS = [
	[
		'process',
		'No process/env access in community nodes; take settings from node parameters or credentials.',
	],
	[
		'setTimeout',
		"Use `sleep(ms)` from 'n8n-workflow' (cancel-aware loops: `this.getExecutionCancelSignal()`).",
	],
	['setInterval', "Use a loop with `sleep(ms)` from 'n8n-workflow'."],
	['setImmediate', "Use `sleep(ms)` from 'n8n-workflow'."],
	['clearTimeout', "Use `sleep(ms)` from 'n8n-workflow'."],
	['clearInterval', "Use `sleep(ms)` from 'n8n-workflow'."],
	['clearImmediate', "Use `sleep(ms)` from 'n8n-workflow'."],
	['globalThis', 'No globalThis in community nodes.'],
	['global', 'No global object access in community nodes.'],
	['__dirname', 'No file-system paths in community nodes.'],
	['__filename', 'No file-system paths in community nodes.'],
].map(([name, message]) => ({ name, message }));

// Node built-ins n8n's verification scanner rejects (bare and `node:` forms, plus sub-paths).
const SCANNER_MODULES = ['fs', 'fs/promises', 'child_process', 'path', 'os'];
const SCANNER_IMPORTS = {
	paths: SCANNER_MODULES.flatMap((name) =>
		[name, `node:${name}`].map((n) => ({
			name: n,
			message: `'${n}' is not allowed in community nodes (n8n verification scanner).`,
		})),
	),
	patterns: [
		{
			group: ['fs/*', 'node:fs/*', 'path/*', 'node:path/*'],
			message: 'File-system modules are not allowed in community nodes (n8n verification scanner).',
		},
	],
};

const SCANNER_SYNTAX = [
	{
		// this.helpers.request(...), helpers.request(...), this.helpers.requestWithAuthentication.call(...), ...
		selector:
			"MemberExpression:matches([object.property.name='helpers'], [object.name='helpers'])[property.name=/^request(WithAuthentication|OAuth1|OAuth2)?$/]",
		message:
			"helpers.request* is deprecated: use this.helpers.httpRequestWithAuthentication.call(this, '<credName>', options) (or httpRequest for unauthenticated hosts).",
	},
];

export default defineConfig(
	globalIgnores(['dist/**', 'node_modules/**', 'coverage/**']),

	// TypeScript sources: typescript-eslint recommended + n8n community-nodes recommended (as node-cli does).
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended, communityNodesRecommended],
		rules: {
			'prefer-spread': 'off',
			'no-console': 'error',
		},
	},

	// eslint-plugin-n8n-nodes-base is registered once, for all files below.
	{
		plugins: { 'n8n-nodes-base': n8nNodesBase },
	},

	// package.json: community-nodes recommended (its package.json rules) + n8n-nodes-base `community` rules.
	{
		files: ['package.json'],
		extends: [communityNodesRecommended],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
		rules: {
			...n8nNodesBase.configs.community.rules,
		},
	},

	// credentials/: n8n-nodes-base `credentials` rules (same two opt-outs as node-cli).
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},

	// nodes/: n8n-nodes-base `nodes` rules (same opt-outs as node-cli: they predate NodeConnectionTypes / typeOptions).
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},

	// n8n verification-scanner restrictions, enforced with core rules in nodes/ and credentials/.
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		rules: {
			'no-restricted-globals': ['error', ...SCANNER_GLOBALS],
			'no-restricted-imports': ['error', SCANNER_IMPORTS],
			'no-restricted-syntax': ['error', ...SCANNER_SYNTAX],
		},
	},
);
