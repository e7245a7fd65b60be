import type { INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { linkHost } from '../../shared/linkPolicy';
import type { JobOperation } from '../../shared/operations';
import { checkedParameter, imageBinary, requiredString } from '../../shared/parameters';
import { UPLOAD_IMAGE } from './operationNames';

const keepForProperty: INodeProperties = {
	displayName: 'Keep For (Seconds)',
	name: 'expireSec',
	type: 'number',
	typeOptions: { minValue: 60 },
	default: 3600,
	description: 'How long Tensor.Art keeps the uploaded image for jobs to use',
	displayOptions: { show: { operation: [UPLOAD_IMAGE] } },
};

export const uploadImageProperties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		description: "Name of the input item's binary property that holds the image",
		displayOptions: { show: { operation: [UPLOAD_IMAGE] } },
	},
	keepForProperty,
];

const slotSchema = z.object({
	resourceId: z.string().min(1),
	putUrl: z.string().url(),
	headers: z.record(z.union([z.string(), z.number()])).nullish(),
});

/**
 * An upload slot (POST /v1/resource/image), then the image PUT to the slot's storage URL with
 * the slot's headers. The `resourceId` goes into params where a node loads an image.
 */
export const uploadImage: JobOperation = async ({ fn, client, transfers }, itemIndex) => {
	const property = requiredString(fn, 'binaryPropertyName', itemIndex, 'Input Binary Field');
	const binary = imageBinary(fn, itemIndex, property, 'Input Binary Field');
	const expireSec = checkedParameter<number>(fn, keepForProperty, itemIndex);

	// An unused slot simply expires, so asking again after a lost answer is harmless.
	const { body: reply } = await client.request(
		{ method: 'POST', path: '/v1/resource/image', body: { expireSec: String(Math.round(expireSec)) }, replayable: true, purpose: 'open an image upload' },
		{ itemIndex },
	);
	const slot = slotSchema.safeParse(reply);
	if (!slot.success) {
		throw new NodeApiError(fn.getNode(), { reply: JSON.stringify(quotableSlot(reply) ?? null).slice(0, 300) }, {
			message: 'Tensor.Art answered the upload request without a resourceId and putUrl',
			itemIndex,
		});
	}
	const { resourceId, putUrl, headers } = slot.data;
	// The storage URL is signed by Tensor.Art: no credential goes with it, and neither it nor the
	// slot's headers (upload tokens) go into an error.
	const fileSize = await transfers.upload(
		putUrl,
		Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)])),
		binary,
		(reason, advice) =>
			new NodeOperationError(fn.getNode(), `Could not upload the image of item ${itemIndex} to Tensor.Art's storage: ${reason}`, { itemIndex, description: advice }),
	);
	return {
		json: { resourceId, fileName: binary.fileName ?? null, mimeType: binary.mimeType, fileSize },
	};
};

/** A slot reply as an error may quote it: links cut to their host and header values hidden, as either may sign an upload. */
function quotableSlot(value: unknown, inHeaders = false): unknown {
	if (Array.isArray(value)) return value.map((entry) => quotableSlot(entry, inHeaders));
	if (typeof value === 'object' && value !== null) {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, quotableSlot(entry, inHeaders || key.toLowerCase() === 'headers')]));
	}
	if (inHeaders) return '[hidden]';
	return typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim()) ? `[a link to ${linkHost(value.trim())}]` : value;
}
