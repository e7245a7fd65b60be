/** `npm run simulator`: every provider simulator in the foreground, with the credentials to reach it. */
import { startSimulators } from './index';

async function main() {
	const port = Number(process.env.SIMULATOR_PORT ?? 0) || undefined;
	const simulators = await startSimulators({ port });
	console.log(`Provider simulator listening on ${simulators.server.url}`);
	for (const [type, data] of Object.entries(simulators.credentials)) {
		console.log(`  ${type}: ${JSON.stringify(data)}`);
	}
	console.log('Press Ctrl+C to stop.');
	const stop = () => void simulators.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();
