// Build step after `tsc`: n8n loads icons and codex files from beside the compiled node and
// credential files, so they are copied into dist/ with the same folder layout.
const { src, dest, task } = require('gulp');

function copyAssets() {
	return src(['nodes/**/*.{svg,png,node.json}', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

task('build:assets', copyAssets);
