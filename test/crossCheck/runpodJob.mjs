// Runs RunPod jobs with the official `runpod-sdk` (ES modules only, so outside Jest) against the
// base URL given, and prints what the client returned as JSON. The jobs' outcomes are scripted by
// the test that starts this: one that succeeds, one canceled, one failed, one timed out.
import runpodSdk from 'runpod-sdk';

const [baseUrl, apiKey, endpointId] = process.argv.slice(2);
const endpoint = runpodSdk(apiKey, { baseUrl }).endpoint(endpointId);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seen = [];

async function untilDone(id) {
	for (;;) {
		const status = await endpoint.status(id);
		seen.push(status.status);
		if (status.completed) return status;
		await sleep(100);
	}
}

const results = {};
results.created = await endpoint.run({ input: { prompt: 'a lighthouse' } });
results.finished = await untilDone(results.created.id);
const long = await endpoint.run({ input: { prompt: 'slow' }, policy: { executionTimeout: 600000 } });
results.cancel = await endpoint.cancel(long.id);
results.afterCancel = await endpoint.status(long.id);
results.failed = await untilDone((await endpoint.run({ input: { prompt: 'breaks' } })).id);
results.timedOut = await untilDone((await endpoint.run({ input: { prompt: 'too long' } })).id);
try {
	results.wrongKey = await runpodSdk('wrong', { baseUrl }).endpoint(endpointId).status(results.created.id);
} catch (error) {
	results.wrongKey = { thrown: String(error.message), status: error.response?.status };
}
results.seen = seen;
process.stdout.write(JSON.stringify(results));
