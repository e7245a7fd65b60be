import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ProviderRequest } from '../../shared/JobProvider';
import { booleanOf, describeValue, readImage } from '../../shared/parameters';
import type { CreateType, FormField } from './createTypes';
import { CREATE_TYPES, DEFAULT_REF_IMAGE_LIMIT, REF_IMAGE_LIMITS } from './createTypes';

/** Parameter name of a form field in the node (unique per create type where kinds differ). */
export function parameterName(field: FormField): string {
	return field.kind === 'file' || field.kind === 'files' ? `${field.name}Binary` : field.name;
}

/** Builds the multipart create request of one item, checking every documented limit first. */
export async function buildCreateRequest(fn: IExecuteFunctions, itemIndex: number): Promise<ProviderRequest> {
	const typeValue = fn.getNodeParameter('type', itemIndex) as string;
	const type = CREATE_TYPES.find((candidate) => candidate.value === typeValue);
	if (!type) throw new NodeOperationError(fn.getNode(), `Unknown job type "${typeValue}"`, { itemIndex });
	const form = new FormData();
	for (const field of type.fields) {
		await appendField(fn, form, type, field, itemIndex);
	}
	return {
		method: 'POST',
		path: type.path,
		formData: form,
		purpose: `create the ${type.name} job`,
		uncertainOutcomeHint: 'Check the jobs of your AetherForge account before running this item again.',
	};
}

async function appendField(fn: IExecuteFunctions, form: FormData, type: CreateType, field: FormField, itemIndex: number) {
	const invalid = (rule: string) =>
		new NodeOperationError(fn.getNode(), `Invalid "${field.displayName}" of item ${itemIndex} for ${type.name}: ${rule}`, { itemIndex });
	const value = fn.getNodeParameter(parameterName(field), itemIndex, field.kind === 'boolean' ? false : '') as unknown;

	switch (field.kind) {
		case 'boolean': {
			// An expression may give the text "false", which must not count as true.
			const flag = booleanOf(value);
			if (flag === undefined) throw invalid(`it must be true or false, not ${describeValue(value)}`);
			form.append(field.name, String(flag));
			return;
		}
		case 'text':
		case 'options': {
			if (typeof value !== 'string' && typeof value !== 'number') throw invalid(`expected text, got ${describeValue(value)}`);
			const text = String(value).trim();
			if (text === '') {
				if (field.optional) return;
				throw invalid('it is required');
			}
			if (field.values && !field.values.includes(text)) throw invalid(`"${text}" is not one of ${field.values.join(', ')}`);
			form.append(field.name, text);
			return;
		}
		case 'json': {
			const text = typeof value === 'string' ? value : JSON.stringify(value);
			let parsed: unknown;
			try {
				parsed = JSON.parse(text);
			} catch {
				throw invalid('it must be valid JSON');
			}
			if (!Array.isArray(parsed) || parsed.length === 0) throw invalid('it must be a JSON list of rows');
			form.append(field.name, JSON.stringify(parsed));
			return;
		}
		case 'file':
		case 'files': {
			if (typeof value !== 'string') throw invalid(`expected binary property names, got ${describeValue(value)}`);
			const names = value.split(',').map((name) => name.trim()).filter(Boolean);
			const limit = field.name === 'ref_images' ? refImageLimit(fn, itemIndex) : (field.maxFiles ?? 1);
			if (names.length === 0 && !field.optional) throw invalid('name the binary property that holds the image');
			if (names.length < (field.minFiles ?? 0)) throw invalid(`at least ${field.minFiles} image(s) are needed`);
			if (names.length > limit) throw invalid(`at most ${limit} image(s) are allowed here, ${names.length} were given`);
			for (const name of names) {
				const { binary, bytes } = await readImage(fn, itemIndex, name, field.displayName);
				form.append(field.name, new Blob([new Uint8Array(bytes)], { type: binary.mimeType }), binary.fileName ?? `${name}.png`);
			}
			return;
		}
	}
}

function refImageLimit(fn: IExecuteFunctions, itemIndex: number): number {
	const model = fn.getNodeParameter('ai_model', itemIndex, '') as string;
	return REF_IMAGE_LIMITS[model] ?? DEFAULT_REF_IMAGE_LIMIT;
}
