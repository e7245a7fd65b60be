/**
 * The HTTP Async Job node set up for each simulated API the way a user would from that API's
 * docs alone, without knowing this package's adapters: URLs, where the id and status are, which
 * words mean what. One entry per API; tests, the bench and the example use the same settings.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { ProviderSimulators } from '../simulator';
import { PIXXEL_PROJECT } from '../simulator/pixxel';

export type HttpApi = 'replicate' | 'fal' | 'aetherForge' | 'pixxel' | 'tensorArt';

export interface HttpApiSettings {
	/** Node parameters of Create Job; Get and Wait take the status part of them and `jobId`. */
	create: IDataObject;
	/** The status part: what Get Job and Wait For Job need beside the job ID. */
	status: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
}

/** A JSON body built per item from the item's `prompt`. */
const promptBody = (build: string) => `={{ JSON.stringify(${build}) }}`;

export function httpApiSettings(sim: ProviderSimulators, api: HttpApi): HttpApiSettings {
	const base = (name: HttpApi) => sim.server.baseUrl(sim[name]);
	switch (api) {
		case 'replicate': {
			const status = {
				authentication: 'httpBearerAuth',
				statusUrl: `${base('replicate')}/v1/predictions/{{jobId}}`,
				statusPath: 'status',
				succeededWords: 'succeeded',
				failedWords: 'failed',
				canceledWords: 'canceled',
				queuedWords: 'starting',
				replyFields: { outputsPath: 'output', errorPath: 'error', createdAtPath: 'created_at' },
			};
			return {
				status,
				create: {
					...status,
					url: `${base('replicate')}/v1/models/black-forest-labs/flux-schnell/predictions`,
					jsonBody: promptBody('{ input: { prompt: $json.prompt } }'),
					jobIdPath: 'id',
					statusUrlPath: 'urls.get',
				},
				credentials: { httpBearerAuth: sim.credentials.httpBearerAuth },
			};
		}
		case 'fal': {
			const status = {
				authentication: 'httpHeaderAuth',
				statusUrl: `${base('fal')}/fal-ai/flux/requests/{{jobId}}/status`,
				statusPath: 'status',
				succeededWords: 'COMPLETED',
				failedWords: '',
				canceledWords: '',
				queuedWords: 'IN_QUEUE',
				replyFields: { queuePositionPath: 'queue_position', outputsPath: 'images', errorPath: 'detail' },
				resultRequest: { resultUrlPath: 'response_url' },
			};
			return {
				status,
				create: { ...status, url: `${base('fal')}/fal-ai/flux/dev`, jsonBody: promptBody('{ prompt: $json.prompt }'), jobIdPath: 'request_id', statusUrlPath: 'status_url' },
				credentials: { httpHeaderAuth: sim.credentials.httpHeaderAuth },
			};
		}
		case 'aetherForge': {
			const status = {
				authentication: 'httpBearerAuth',
				statusUrl: `${base('aetherForge')}/public/v1/job/{{jobId}}`,
				succeededWords: 'Succeed',
				failedWords: 'Failed',
				canceledWords: '',
				queuedWords: '',
				replyFields: { outputsPath: 'image_urls', errorPath: 'error_message' },
			};
			return {
				status,
				create: {
					...status,
					url: `${base('aetherForge')}/public/v1/generate/effect/v2`,
					bodyType: 'multipart',
					formFields: { entries: [{ name: 'description', value: '={{ $json.prompt }}' }, { name: 'quality', value: 'pro' }, { name: 'frame', value: '4' }] },
					jobIdPath: 'job_id',
				},
				credentials: { httpBearerAuth: { token: String(sim.credentials.aetherForgeApi.apiKey) } },
			};
		}
		case 'pixxel': {
			const workflowId = sim.pixxel.workflowNamed('Crop health (NDVI)').id;
			const status = {
				authentication: 'httpHeaderAuth',
				statusUrl: `${base('pixxel')}/v0/workflows/${workflowId}/jobs/{{jobId}}?project_id=${PIXXEL_PROJECT}`,
				succeededWords: 'completed, success, succeeded',
				failedWords: 'failed, error',
				canceledWords: 'cancelled, canceled',
				queuedWords: 'queued, pending, created',
				replyFields: { progressPath: 'progress', costPath: 'cost', createdAtPath: 'created_at' },
			};
			return {
				status,
				create: { ...status, url: `${base('pixxel')}/v0/workflows/${workflowId}/jobs`, queryParameters: { entries: [{ name: 'project_id', value: PIXXEL_PROJECT }] }, bodyType: 'none', jobIdPath: 'id' },
				credentials: { httpHeaderAuth: { name: 'Authorization', value: String(sim.credentials.pixxelApi.apiKey) } },
			};
		}
		case 'tensorArt': {
			const status = {
				authentication: 'httpBearerAuth',
				statusUrl: `${base('tensorArt')}/v1/jobs/{{jobId}}`,
				statusPath: 'job.status',
				succeededWords: 'SUCCESS',
				failedWords: 'FAILED',
				canceledWords: 'CANCELED',
				queuedWords: 'CREATED, PENDING, WAITING',
				replyFields: { queuePositionPath: 'job.waitingInfo.queueRank', outputsPath: 'job.successInfo.images', errorPath: 'job.failedInfo.reason', costPath: 'job.credits' },
			};
			return {
				status,
				create: {
					...status,
					url: `${base('tensorArt')}/v1/jobs/workflow`,
					jsonBody: promptBody('{ requestId: $json.requestId, params: { "9": { classType: "SaveImage", inputs: { filename_prefix: $json.prompt } } } }'),
					jobIdPath: 'job.id',
				},
				credentials: { httpBearerAuth: { token: String(sim.credentials.tensorArtApi.apiKey) } },
			};
		}
	}
}

export const HTTP_APIS: HttpApi[] = ['replicate', 'fal', 'aetherForge', 'pixxel', 'tensorArt'];
