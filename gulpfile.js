// Copies node/credential assets (icons, codex files) next to the compiled .js in dist/, keeping paths.
const { src, dest } = require('gulp');

const ASSETS = ['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'];

function buildAssets() {
	// encoding: false keeps binary files (png) byte-exact.
	return src(ASSETS, { base: '.', encoding: false, allowEmpty: true }).pipe(dest('dist'));
}

exports['build:assets'] = buildAssets;
exports.default = buildAssets;
