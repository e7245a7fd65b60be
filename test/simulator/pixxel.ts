import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';

import type { JobScript, SimJob } from './jobs';
import { JobBook, estimatedDurationMs, finishedAt, outcomeOf, phaseOf } from './jobs';
import type { ProviderSimulator, SimReply, SimRequest, SimulatorServer } from './server';

/**
 * Pixxel's Aurora API (PROVIDERS.md §2, seeds 002 and 003): a raw `Authorization: <key>`
 * header (403 otherwise), workflows of a project, jobs that re-run a workflow (created with
 * no body), tasks with their own status and failure, and a download package that is
 * `pending` before it is `ready`.
 */

/** How `spec`, task `inputs`, `result` and `info_logs` travel: embedded JSON, base64 (Go's []byte) or byte values. */
export type ByteWireForm = 'json' | 'base64' | 'bytes';

export interface PixxelWorkflow {
	id: string;
	project_id: string;
	name: string;
	description: string;
	created_by: string;
	created_at: string;
	updated_at: string;
	estimated_cost: number;
}

interface PixxelJobExtra {
	workflow: PixxelWorkflow;
	createdBy: string;
	/** Which spelling of the status words this job uses (Pixxel's words vary in case). */
	spelling: number;
	downloadAsks: number;
	downloadId: string;
	downloadUrl?: string;
}

type SimJobPhase = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

const JOB_WORDS: Record<SimJobPhase, string[]> = {
	queued: ['queued', 'PENDING', 'Created'],
	running: ['running', 'RUNNING', 'In Progress'],
	succeeded: ['completed', 'Success', 'SUCCEEDED'],
	failed: ['failed', 'ERROR', 'Failed'],
	canceled: ['cancelled', 'CANCELED', 'Canceled'],
};

const TASK_NAMES = ['Fetch imagery', 'Compute index', 'Export report'];

/** Go's zero time, as Pixxel sends an unset `finished_at`. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

const FAILING_TASK = 1;

/** The list answers summaries: no tasks, spec or validation errors. */
const SUMMARY_FIELDS = [
	'created_by',
	'id',
	'cost',
	'workflow_id',
	'created_at',
	'updated_at',
	'finished_at',
	'estimated_duration',
	'progress',
	'status',
	'time_taken',
] as const;

export const PIXXEL_PROJECT = 'a3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
/** The "Crop health (NDVI)" workflow the examples run. */
export const PIXXEL_DEMO_WORKFLOW = '9b3f6c2a-7d41-4e8a-b5c6-0f1e2d3c4b5a';

export class PixxelSimulator implements ProviderSimulator {
	readonly prefix = '/pixxel';

	readonly jobs = new JobBook<PixxelJobExtra>();

	/** API keys, each of a service account of one project. */
	readonly apiKeys = new Map([['px-test-key', PIXXEL_PROJECT]]);

	readonly workflows = new Map<string, PixxelWorkflow>();

	byteWireForm: ByteWireForm = 'bytes';

	/** Whether jobs send their own `progress` string; without it only the tasks tell progress. */
	sendJobProgress = true;

	/** How many download asks of a job are answered `pending` before `ready`. */
	pendingDownloadAsks = 1;

	/** Whether `Authorization: Bearer <key>` is accepted as well as the raw key. */
	acceptBearer = false;

	/** Whether `estimated_duration` is the whole job's or the time left, which the docs leave open (ASSUMPTIONS.md). */
	estimateReading: 'whole' | 'remaining' = 'whole';

	reset(): void {
		this.jobs.nextScripts.length = 0;
		this.byteWireForm = 'bytes';
		this.sendJobProgress = true;
		this.pendingDownloadAsks = 1;
		this.acceptBearer = false;
		this.estimateReading = 'whole';
	}

	private createdJobs = 0;

	constructor(private readonly server: SimulatorServer) {
		// Fixed ids, so the example workflows can name them.
		this.addWorkflow('Crop health (NDVI)', 'Weekly NDVI over the farm AOIs', PIXXEL_PROJECT, PIXXEL_DEMO_WORKFLOW);
		this.addWorkflow('Water body detection', 'Surface water extent per reservoir', PIXXEL_PROJECT, '6a0d4f2e-91b7-4c38-a5e2-3f8b7c9d1e04');
		this.addWorkflow('Methane plume detection', 'Hyperspectral methane hot spots', PIXXEL_PROJECT, '2e7c5b19-4d3a-4f86-b0c1-8a9e6d5f4c27');
		this.addWorkflow('Forest cover change', 'Another team’s workflow', 'f0e1d2c3-b4a5-4968-8776-655443322110');
	}

	addWorkflow(name: string, description = '', projectId = PIXXEL_PROJECT, id = randomUUID()): PixxelWorkflow {
		const workflow: PixxelWorkflow = {
			id,
			project_id: projectId,
			name,
			description,
			created_by: 'analyst@example.com',
			created_at: '2026-10-01T09:00:00Z',
			updated_at: '2026-10-02T09:00:00Z',
			estimated_cost: 40,
		};
		this.workflows.set(workflow.id, workflow);
		return workflow;
	}

	workflowNamed(name: string): PixxelWorkflow {
		const workflow = [...this.workflows.values()].find((candidate) => candidate.name === name);
		if (!workflow) throw new Error(`No simulated workflow named ${name}`);
		return workflow;
	}

	/** A job started elsewhere (the Aurora app, another user), as the trigger must see it. */
	startJob(workflowId: string, script: Partial<JobScript> = {}, createdBy = 'colleague@example.com'): SimJob<PixxelJobExtra> {
		this.jobs.nextScripts.unshift(script);
		return this.createJob(this.workflows.get(workflowId)!, this.server.clock.now(), createdBy);
	}

	handle(request: SimRequest): SimReply {
		if (request.method === 'GET' && request.path === '/ping') return { status: 200, body: { message: 'pong' } };
		const projectId = this.projectOfKey(String(request.headers.authorization ?? ''));
		if (!projectId) return error(403, 'forbidden', 'invalid or missing API key');

		const parts = request.path.split('/').filter(Boolean).map(decodeURIComponent);
		if (parts[0] !== 'v0' || parts[1] !== 'workflows') return error(404, 'not_found', 'route not found');
		const [, , workflowId, sub, jobId, action] = parts;
		if (workflowId === undefined) return request.method === 'GET' ? this.listWorkflows(request, projectId) : notAllowed();

		const workflow = this.workflows.get(workflowId);
		if (!workflow) return error(404, 'not_found', `workflow ${workflowId} not found`);
		if (workflow.project_id !== projectId) return error(403, 'forbidden', 'no access to this workflow');

		if (sub === undefined) return request.method === 'GET' ? { status: 200, body: workflow } : notAllowed();
		if (sub === 'estimate' && request.method === 'GET') return { status: 200, body: { estimated_cost: workflow.estimated_cost } };
		if (sub !== 'jobs') return error(404, 'not_found', 'route not found');
		if (jobId === undefined) {
			if (request.method === 'GET') return this.listJobs(request, workflow);
			if (request.method === 'POST') return this.create(request, workflow, projectId);
			return notAllowed();
		}
		const job = this.jobs.get(jobId, request.at);
		if (!job || job.extra.workflow.id !== workflow.id) return error(404, 'not_found', `job ${jobId} not found in workflow ${workflow.id}`);
		if (action === undefined && request.method === 'GET') return { status: 200, body: this.jobBody(job, request.at) };
		if (action === 'download' && request.method === 'PUT') return this.download(job, request.at);
		return error(404, 'not_found', 'route not found');
	}

	private projectOfKey(header: string): string | undefined {
		const key = this.acceptBearer ? header.replace(/^Bearer /, '') : header;
		return this.apiKeys.get(key);
	}

	private listWorkflows(request: SimRequest, keyProject: string): SimReply {
		const projectId = request.query.get('project_id') || keyProject;
		if (projectId !== keyProject) return error(403, 'forbidden', `no access to project ${projectId}`);
		const limit = Number(request.query.get('limit') ?? 50);
		const offset = Number(request.query.get('offset') ?? 0);
		if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) {
			return error(400, 'bad_request', 'invalid pagination', { limit: request.query.get('limit'), offset: request.query.get('offset') });
		}
		const name = request.query.get('name');
		const matching = [...this.workflows.values()].filter(
			(workflow) => workflow.project_id === projectId && (!name || workflow.name === name),
		);
		return {
			status: 200,
			body: { workflows: matching.slice(offset, offset + limit), pagination: { limit, offset, total: matching.length } },
		};
	}

	private listJobs(request: SimRequest, workflow: PixxelWorkflow): SimReply {
		const status = request.query.get('status')?.toLowerCase();
		const id = request.query.get('id');
		const jobs = [...this.jobs.jobs.values()]
			.filter((job) => job.extra.workflow.id === workflow.id && this.jobs.get(job.id, request.at))
			.map((job) => this.jobBody(job, request.at))
			.filter((job) => (!status || job.status.toLowerCase() === status) && (!id || job.id === id))
			.map((job) => Object.fromEntries(SUMMARY_FIELDS.map((field) => [field, job[field]])));
		return { status: 200, body: { jobs } };
	}

	private create(request: SimRequest, workflow: PixxelWorkflow, keyProject: string): SimReply {
		const projectId = request.query.get('project_id');
		if (!projectId) return error(400, 'bad_request', 'project_id is required', [{ field: 'project_id', issue: 'missing' }]);
		if (projectId !== keyProject) return error(403, 'forbidden', `no access to project ${projectId}`);
		if (workflow.project_id !== projectId) return error(404, 'not_found', `workflow ${workflow.id} not found in project ${projectId}`);
		const job = this.createJob(workflow, request.at, `sa-${projectId.slice(0, 8)}@service.pixxel.space`);
		return { status: 200, body: this.jobBody(job, request.at) };
	}

	private createJob(workflow: PixxelWorkflow, now: number, createdBy: string): SimJob<PixxelJobExtra> {
		const spelling = this.createdJobs++ % 3;
		return this.jobs.create(randomUUID(), now, { workflow, createdBy, spelling, downloadAsks: 0, downloadId: randomUUID() });
	}

	private download(job: SimJob<PixxelJobExtra>, now: number): SimReply {
		if (phaseOf(job, now) !== 'finished') return error(400, 'bad_request', `job ${job.id} has not finished`);
		job.extra.downloadAsks += 1;
		const ready = job.extra.downloadAsks > this.pendingDownloadAsks;
		if (ready) job.extra.downloadUrl ??= this.server.addFile(`${job.id}.zip`, resultsZip(job), 'application/zip');
		return {
			status: 200,
			body: {
				id: job.extra.downloadId,
				status: ready ? 'ready' : 'pending',
				signed_url: ready ? job.extra.downloadUrl : '',
				workflowId: job.extra.workflow.id,
			},
		};
	}

	/** The job as GET answers it (seed 002), at simulator time `now`. */
	jobBody(job: SimJob<PixxelJobExtra>, now: number) {
		const { script, extra } = job;
		const phase = simPhase(job, now);
		const runStart = job.createdAt + script.queueMs;
		const end = phase === 'queued' || phase === 'running' ? undefined : finishedAt(job);
		const tasks = TASK_NAMES.map((name, index) => this.taskBody(job, name, index, now));
		const progress = tasks.reduce((sum, task) => sum + task.progress, 0) / tasks.length;
		const word = phase === 'queued' || phase === 'running' ? (script.unknownStatus ?? JOB_WORDS[phase][extra.spelling]) : JOB_WORDS[phase][extra.spelling];
		return {
			created_by: extra.createdBy,
			status: word,
			time_taken: end === undefined ? '' : goDuration(end - job.createdAt),
			id: job.id,
			tasks,
			val_errors: phase === 'failed' && script.failure?.code === 'VALIDATION_ERROR' ? validationErrors(script.failure.reason) : [],
			spec: this.bytes({ workflow_id: extra.workflow.id, name: extra.workflow.name, blocks: TASK_NAMES.map((task, index) => ({ id: `block-${index + 1}`, name: task })) }),
			cost: extra.workflow.estimated_cost,
			workflow_id: extra.workflow.id,
			updated_at: iso(Math.min(now, end ?? now)),
			finished_at: end === undefined ? ZERO_TIME : iso(end),
			exec_created_at: phase === 'queued' ? ZERO_TIME : iso(runStart),
			exec_updated_at: phase === 'queued' ? ZERO_TIME : iso(Math.min(now, end ?? now)),
			created_at: iso(job.createdAt),
			estimated_duration: Math.ceil(
				(this.estimateReading === 'whole' ? estimatedDurationMs(job) : Math.max(0, job.createdAt + estimatedDurationMs(job) - now)) / 1000,
			),
			progress: this.sendJobProgress ? (phase === 'succeeded' ? '100' : progress.toFixed(2)) : '',
		};
	}

	/** Tasks run one after another, a third of the run each; a failing job fails in its second task. */
	private taskBody(job: SimJob<PixxelJobExtra>, name: string, index: number, now: number) {
		const { script } = job;
		const phase = simPhase(job, now);
		const slice = script.runMs / TASK_NAMES.length;
		const start = job.createdAt + script.queueMs + index * slice;
		const failing = phase === 'failed' && index === FAILING_TASK;
		const end = failing ? finishedAt(job) : start + slice;
		let status: string;
		let progress: number;
		if (phase === 'failed' && index > FAILING_TASK) {
			[status, progress] = ['skipped', 0];
		} else if (failing) {
			[status, progress] = ['failed', 50];
		} else if (phase === 'canceled' && index === TASK_NAMES.length - 1) {
			[status, progress] = ['cancelled', 0];
		} else if (now >= end) {
			[status, progress] = ['completed', 100];
		} else if (now >= start) {
			[status, progress] = ['running', Math.min(99, Math.floor(((now - start) / Math.max(1, slice)) * 100))];
		} else {
			[status, progress] = ['pending', 0];
		}
		const started = status !== 'pending' && status !== 'skipped';
		return {
			id: `${job.id.slice(0, 8)}-task-${index + 1}`,
			name,
			status,
			progress,
			estimated_time_duration: Math.ceil(estimatedDurationMs(job) / 1000 / TASK_NAMES.length),
			inputs: this.bytes({ aoi_id: 'aoi-7f3e', block: `block-${index + 1}`, date_range: ['2026-10-01', '2026-10-31'] }),
			result: status === 'completed' ? this.bytes({ block: `block-${index + 1}`, mean_index: 0.62, scenes: 4 }) : null,
			info_logs: started ? this.bytes([`started ${name}`, ...(status === 'completed' ? [`finished ${name}`] : [])]) : null,
			err_msg: failing ? (script.failure?.reason ?? 'band B08 missing in scene S2A_20261012') : '',
			failure_type: failing ? (script.failure?.code ?? 'BLOCK_EXECUTION_ERROR') : '',
			created_at: iso(job.createdAt),
			updated_at: iso(Math.min(now, end)),
			finished_at: status === 'completed' || failing ? iso(end) : ZERO_TIME,
			depends_on: index === 0 ? [] : [`${job.id.slice(0, 8)}-task-${index}`],
			block_info: { id: `block-${index + 1}`, name, version: '1.4.0' },
		};
	}

	private bytes(value: unknown): unknown {
		if (this.byteWireForm === 'json') return value;
		const bytes = Buffer.from(JSON.stringify(value), 'utf8');
		return this.byteWireForm === 'base64' ? bytes.toString('base64') : Array.from(bytes);
	}
}

function simPhase(job: SimJob<unknown>, now: number): SimJobPhase {
	const phase = phaseOf(job, now);
	if (phase === 'queued' || phase === 'running') return phase;
	return outcomeOf(job);
}

function validationErrors(reason: string | undefined) {
	return [
		{
			from: 'Fetch imagery',
			to: 'Compute index',
			err: 'output band set does not match input',
			reason: reason ?? 'index needs bands B04 and B08',
			component_name: 'Compute index',
		},
	];
}

function error(status: number, code: string, message: string, details: unknown = null): SimReply {
	return { status, body: { error: { code, message, details } } };
}

function notAllowed(): SimReply {
	return error(405, 'method_not_allowed', 'method not allowed');
}

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

/** A duration as Go prints it: 812ms, 4.5s, 2m3.25s. */
function goDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)}ms`;
	const minutes = Math.floor(ms / 60_000);
	const seconds = Number(((ms % 60_000) / 1000).toFixed(3));
	return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

/** A small ZIP (stored, not compressed) of the job's report, as the package holds. */
function resultsZip(job: SimJob<PixxelJobExtra>): Buffer {
	const name = Buffer.from('outputs/report.json');
	const data = Buffer.from(JSON.stringify({ job_id: job.id, workflow_id: job.extra.workflow.id, mean_index: 0.62 }));
	const crc = crc32(data);
	const local = Buffer.alloc(30);
	local.writeUInt32LE(0x04034b50, 0);
	local.writeUInt16LE(20, 4);
	local.writeUInt32LE(crc, 14);
	local.writeUInt32LE(data.length, 18);
	local.writeUInt32LE(data.length, 22);
	local.writeUInt16LE(name.length, 26);
	const central = Buffer.alloc(46);
	central.writeUInt32LE(0x02014b50, 0);
	central.writeUInt16LE(20, 4);
	central.writeUInt16LE(20, 6);
	central.writeUInt32LE(crc, 16);
	central.writeUInt32LE(data.length, 20);
	central.writeUInt32LE(data.length, 24);
	central.writeUInt16LE(name.length, 28);
	const centralOffset = local.length + name.length + data.length;
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(1, 8);
	end.writeUInt16LE(1, 10);
	end.writeUInt32LE(central.length + name.length, 12);
	end.writeUInt32LE(centralOffset, 16);
	return Buffer.concat([local, name, data, central, name, end]);
}
