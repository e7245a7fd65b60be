import type { INodeType } from 'n8n-workflow';
import path from 'node:path';

import { repoRoot } from '../harness/engine';
import { FAST_WAIT, presetSuite, runPreset } from '../harness/presetRun';
import { MP4_BYTES } from '../simulator/jobs';
import { RUNWAY_VERSION } from '../simulator/runway';

/** The HTTP Async Job node with the Runway preset, in n8n's engine, against the simulator @runwayml/sdk checks. */

const suite = presetSuite('runway');

const IMAGE_TO_VIDEO = { endpoint: 'image_to_video', input: '={{ { model: "gen4_turbo", promptImage: $json.image, ratio: "1280:720" } }}' };

test('image to video: THROTTLED waits as queued, the task succeeds, its video is downloaded; every request names the API version', async () => {
	suite.sim.runway.waitingWord = 'THROTTLED';
	suite.sim.runway.jobs.nextScripts.push({ queueMs: 300, runMs: 300 });
	const result = await runPreset(
		suite.setup,
		{ operation: 'createJob', ...IMAGE_TO_VIDEO, waitForCompletion: true, waitSettings: FAST_WAIT, options: { downloadOutputs: true } },
		[{ image: 'https://example.com/still.jpg' }],
	);
	expect(result.error).toBeUndefined();
	const [item] = result.outputs.Job;
	expect(item.json).toMatchObject({ status: 'succeeded', providerStatus: 'SUCCEEDED', outputs: [expect.objectContaining({ kind: 'video', format: 'mp4' })] });
	expect(Buffer.from(item.binary!.data.data, 'base64')).toEqual(MP4_BYTES);

	const log = suite.sim.server.log.filter((entry) => entry.prefix === suite.sim.runway.prefix);
	expect(log[0]).toMatchObject({ method: 'POST', path: '/v1/image_to_video' });
	expect(JSON.parse(log[0].body)).toEqual({ model: 'gen4_turbo', promptImage: 'https://example.com/still.jpg', ratio: '1280:720' });
	expect(log.every((entry) => entry.headers['x-runway-version'] === RUNWAY_VERSION)).toBe(true);
});

test('Get Job reads THROTTLED as queued and RUNNING progress given 0–1 as a percentage', async () => {
	suite.sim.runway.waitingWord = 'THROTTLED';
	suite.sim.runway.jobs.nextScripts.push({ queueMs: 1_000, runMs: 60_000 }, { queueMs: 0, runMs: 60_000 });
	const created = await runPreset(suite.setup, { operation: 'createJob', ...IMAGE_TO_VIDEO }, [{ image: 'https://example.com/a.jpg' }, { image: 'https://example.com/b.jpg' }]);
	const jobIds = created.outputs.Job.map((item) => ({ jobId: item.json.jobId }));
	suite.sim.server.clock.advance(500);
	const early = await runPreset(suite.setup, { operation: 'getJob', jobId: '={{ $json.jobId }}' }, jobIds);
	expect(early.outputs.Job[0].json).toMatchObject({ status: 'queued', providerStatus: 'THROTTLED' });
	suite.sim.server.clock.advance(30_000);
	const later = await runPreset(suite.setup, { operation: 'getJob', jobId: '={{ $json.jobId }}' }, jobIds);
	const running = later.outputs.Job[1].json;
	expect(running).toMatchObject({ status: 'running', providerStatus: 'RUNNING' });
	expect(running.progress).toBeGreaterThan(40);
	expect(running.progress).toBeLessThan(60);
});

test('Cancel Job sends DELETE and outputs the task CANCELLED', async () => {
	suite.sim.runway.jobs.nextScripts.push({ queueMs: 0, runMs: 60_000 });
	const created = await runPreset(suite.setup, { operation: 'createJob', endpoint: 'text_to_video', input: '{"model": "veo3.1", "promptText": "a lighthouse", "ratio": "1280:720"}' });
	const jobId = created.outputs.Job[0].json.jobId as string;
	const canceled = await runPreset(suite.setup, { operation: 'cancelJob', jobId });
	expect(canceled.outputs.Job[0].json).toMatchObject({ jobId, status: 'canceled', providerStatus: 'CANCELLED', done: true });
	expect(suite.sim.server.log.filter((entry) => entry.method === 'DELETE').map((entry) => entry.path)).toEqual([`/v1/tasks/${jobId}`]);
});

test('a refused create carries the API error', async () => {
	const refused = await runPreset(suite.setup, { operation: 'createJob', endpoint: 'text_to_video', input: '{"model": "veo3.1", "ratio": "1280:720"}' });
	expect(refused.error?.message).toMatch(/Validation of body failed/);
});

test("the preset's notice in the editor names the header every request carries", () => {
	const { HttpAsyncJob } = require(path.join(repoRoot, 'dist/nodes/HttpAsyncJob/HttpAsyncJob.node.js')) as { HttpAsyncJob: new () => INodeType };
	const notice = new HttpAsyncJob().description.properties.find((property) => property.name === 'runwayRequests');
	expect(notice?.displayName).toContain(`Every request carries X-Runway-Version: ${RUNWAY_VERSION}.`);
	expect(notice?.displayName).toContain('Cancel sends DELETE https://api.dev.runwayml.com/v1/tasks/{job ID}.');
});
