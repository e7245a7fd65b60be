/** Tests run our built nodes (dist/) inside n8n's engine; TypeScript test files are transpiled only, `npm run typecheck` checks their types. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': 'ts-jest' },
	testTimeout: 60000,
	// Most of the suite's time is waits on timers and sockets (jobs running on the simulators): two files
	// at once overlap them, where Jest would run one at a time on a 2-core machine.
	maxWorkers: 2,
};
