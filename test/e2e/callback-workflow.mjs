// The workflow of the callback tests and bench: Tensor.Art Create Job, waiting for completion by
// callback or by polling, started by a production webhook. Plain Node, no dependencies.
import { PACKAGE_NAME } from './examples.mjs';

export const CREDENTIAL = { id: 'tamsCallback', name: 'Tensor.Art (simulator)' };
const PARAMS = {
	'5': { classType: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
	'9': { classType: 'SaveImage', inputs: { images: ['5', 0] } },
};
/**
 * Webhook trigger (items from the body's `prompts`) → Split Out → Tensor.Art Create Job →
 * After (No Operation), so the resumed items are seen flowing on, paired with their inputs.
 */
/** `pollInterval` null: the node's default wait settings. */
export function workflow(id, { waitMode = 'callback', timeoutMinutes = 5, pollInterval = 1 } = {}) {
	const node = (name, type, typeVersion, parameters, x, extra = {}) => ({ id: `${id}-${name}`, name, type, typeVersion, position: [x, 0], parameters, ...extra });
	return {
		id,
		name: `callback ${id}`,
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveManualExecutions: true },
		nodes: [
			node('Start', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: id, responseMode: 'onReceived', options: {} }, 0, { webhookId: `${id}-hook` }),
			node('Split', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.prompts', options: {} }, 200),
			node(
				'Create',
				`${PACKAGE_NAME}.tensorArt`,
				1,
				{
					resource: 'job',
					operation: 'createJob',
					params: JSON.stringify(PARAMS),
					waitForCompletion: true,
					waitMode,
					waitSettings: { timeout: timeoutMinutes, ...(pollInterval === null ? {} : { pollInterval }) },
					options: {},
				},
				400,
				{ credentials: { tensorArtApi: CREDENTIAL } },
			),
			node('After', 'n8n-nodes-base.noOp', 1, {}, 600),
		],
		connections: {
			Start: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
			Split: { main: [[{ node: 'Create', type: 'main', index: 0 }]] },
			Create: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
		},
	};
}
