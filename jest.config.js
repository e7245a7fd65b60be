/** Tests run our built nodes (dist/) inside n8n's engine; TypeScript test files are transpiled only, `npm run typecheck` checks their types. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': 'ts-jest' },
	testTimeout: 60000,
};
