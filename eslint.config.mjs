// Lints shipped node and credential code and package.json the way n8n's community-package
// scanner does (@n8n/scan-community-package): the community rules, the three rule sets of
// eslint-plugin-n8n-nodes-base with the scanner's own exceptions, and `no-console`.
// Inline disable comments are ignored (`--no-inline-config` in `npm run lint`), as there.
import { configs as communityConfigs } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const shipped = ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'];

export default [
	{ ignores: ['dist/**', 'node_modules/**', '.build/**', 'test/**', 'scripts/**', 'examples/**'] },
	{ files: shipped, ...communityConfigs.recommended },
	{ files: shipped, rules: { 'no-console': 'error' } },
	{ files: shipped, plugins: { 'n8n-nodes-base': n8nNodesBase }, languageOptions: { parser: tsParser } },
	{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// The scanner's exceptions: a community credential links to its own docs, and the
			// community rule checks password fields.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// The scanner's exceptions: inputs and outputs may use the NodeConnectionTypes enum,
			// and a provider's documented maximum may be a maxValue.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
];
