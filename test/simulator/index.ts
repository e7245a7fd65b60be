import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { AetherForgeSimulator } from './aetherForge';
import { AnthropicBatchSimulator } from './anthropicBatch';
import { AssemblyAiSimulator } from './assemblyAi';
import { ElevenLabsSimulator } from './elevenlabs';
import { FalSimulator } from './fal';
import { GeminiSimulator } from './gemini';
import { LumaSimulator } from './luma';
import { MistralBatchSimulator } from './mistralBatch';
import { OpenAiSimulator } from './openai';
import { OpenAiBatchSimulator } from './openAiBatch';
import { PixxelSimulator } from './pixxel';
import { ReplicateSimulator } from './replicate';
import { RunPodSimulator } from './runpod';
import { RunwaySimulator } from './runway';
import { SimulatorServer } from './server';
import { TensorArtSimulator } from './tensorArt';

export interface ProviderSimulators {
	server: SimulatorServer;
	aetherForge: AetherForgeSimulator;
	pixxel: PixxelSimulator;
	/** Two APIs no node of ours knows, for the HTTP Async Job node. */
	replicate: ReplicateSimulator;
	fal: FalSimulator;
	tensorArt: TensorArtSimulator;
	/** APIs of the HTTP Async Job node's presets. */
	runpod: RunPodSimulator;
	assemblyAi: AssemblyAiSimulator;
	luma: LumaSimulator;
	openai: OpenAiSimulator;
	gemini: GeminiSimulator;
	runway: RunwaySimulator;
	elevenlabs: ElevenLabsSimulator;
	/**
	 * Credentials that point at this simulator with keys it accepts: by credential type, or by the
	 * credential id a workflow names where its nodes of one type need different keys.
	 */
	/** The language-model batch APIs, for the LLM Batch node. */
	openAiBatch: OpenAiBatchSimulator;
	anthropicBatch: AnthropicBatchSimulator;
	mistralBatch: MistralBatchSimulator;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/**
	 * The real APIs' addresses the simulators stand in for, where a workflow holds them in its
	 * node parameters (the HTTP Async Job node) rather than in a credential.
	 */
	realApiBases: Record<string, string>;
	/** A clean slate between tests: no faults, an empty log, no scripted jobs, provider defaults. */
	reset(): void;
	stop(): Promise<void>;
}

/** A copy of a workflow made for the real APIs, with every address of theirs pointing at the simulators. */
export function pointedAtSimulators<T>(workflow: T, simulators: Pick<ProviderSimulators, 'realApiBases'>): T {
	let text = JSON.stringify(workflow);
	for (const [real, simulated] of Object.entries(simulators.realApiBases)) text = text.split(real).join(simulated);
	return JSON.parse(text) as T;
}

/** Starts the simulator of every provider on 127.0.0.1 (or another loopback `host`; a free port unless one is given). */
export async function startSimulators(options: { port?: number; speed?: number; host?: string } = {}): Promise<ProviderSimulators> {
	const server = new SimulatorServer({ speed: options.speed });
	// One line per provider: its simulator, registered under its own path prefix.
	const aetherForge = server.register(new AetherForgeSimulator(server));
	const pixxel = server.register(new PixxelSimulator(server));
	const tensorArt = server.register(new TensorArtSimulator(server));
	const replicate = server.register(new ReplicateSimulator(server));
	const fal = server.register(new FalSimulator(server));
	const runpod = server.register(new RunPodSimulator(server));
	const assemblyAi = server.register(new AssemblyAiSimulator());
	const luma = server.register(new LumaSimulator(server));
	const openai = server.register(new OpenAiSimulator());
	const gemini = server.register(new GeminiSimulator(server));
	const runway = server.register(new RunwaySimulator(server));
	const elevenlabs = server.register(new ElevenLabsSimulator());
	const openAiBatch = server.register(new OpenAiBatchSimulator());
	const anthropicBatch = server.register(new AnthropicBatchSimulator(server));
	const mistralBatch = server.register(new MistralBatchSimulator());
	await server.start(options.port, options.host);
	return {
		server,
		aetherForge,
		pixxel,
		tensorArt,
		replicate,
		fal,
		runpod,
		assemblyAi,
		luma,
		openai,
		gemini,
		runway,
		elevenlabs,
		openAiBatch,
		anthropicBatch,
		mistralBatch,
		credentials: {
			// One entry per credential type, pointing at the provider's prefix with a key it accepts.
			aetherForgeApi: { apiKey: 'af-test-key', baseUrl: server.baseUrl(aetherForge) },
			pixxelApi: { apiKey: 'px-test-key', bearerPrefix: false, baseUrl: server.baseUrl(pixxel) },
			tensorArtApi: { endpoint: 'custom', customUrl: server.baseUrl(tensorArt), authentication: 'apiKey', apiKey: 'tams-test-key' },
			// n8n's generic credentials, as a user sets them up for the HTTP Async Job node.
			httpBearerAuth: { token: [...replicate.apiTokens][0] },
			httpHeaderAuth: { name: 'Authorization', value: `Key ${[...fal.apiKeys][0]}` },
			openAiBatchApi: { apiKey: [...openAiBatch.apiKeys][0], baseUrl: `${server.baseUrl(openAiBatch)}/v1` },
			anthropicBatchApi: { apiKey: [...anthropicBatch.apiKeys][0], baseUrl: server.baseUrl(anthropicBatch) },
			mistralBatchApi: { apiKey: [...mistralBatch.apiKeys][0], baseUrl: server.baseUrl(mistralBatch) },
			// The presets example's Luma node: Bearer Auth like Replicate's, with Luma's key.
			lumaDemo: { token: [...luma.apiKeys][0] },
		},
		realApiBases: {
			'https://api.replicate.com': server.baseUrl(replicate),
			'https://queue.fal.run': server.baseUrl(fal),
			'https://api.runpod.ai': server.baseUrl(runpod),
			'https://api.assemblyai.com': server.baseUrl(assemblyAi),
			'https://api.lumalabs.ai': server.baseUrl(luma),
			'https://api.openai.com': server.baseUrl(openai),
			'https://generativelanguage.googleapis.com': server.baseUrl(gemini),
			'https://api.dev.runwayml.com': server.baseUrl(runway),
			'https://api.elevenlabs.io': server.baseUrl(elevenlabs),
		},
		reset: () => server.reset(),
		stop: async () => await server.stop(),
	};
}
