import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Reads a text parameter that must not be empty. Expressions can hand over numbers (ids) or
 * objects; numbers are taken as their digits, anything else is refused with the field's name.
 */
export function requiredString(fn: IExecuteFunctions, name: string, itemIndex: number, displayName: string): string {
	const value = fn.getNodeParameter(name, itemIndex, '') as unknown;
	if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
	if (typeof value !== 'string') {
		throw new NodeOperationError(fn.getNode(), `"${displayName}" must be text, but the value is ${Array.isArray(value) ? 'a list' : typeof value}`, {
			itemIndex,
			description: `If "${displayName}" is an expression, point it at a single value, e.g. {{ $json.jobId }}.`,
		});
	}
	const trimmed = value.trim();
	if (trimmed === '') {
		throw new NodeOperationError(fn.getNode(), `"${displayName}" is empty`, {
			itemIndex,
			description: `Give a value for "${displayName}", or check that the expression finds one in this item.`,
		});
	}
	return trimmed;
}

/** The credential's base URL without trailing slashes, or the provider's default. */
export function trimmedBaseUrl(value: unknown, fallback: string): string {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
	return text.replace(/\/+$/, '');
}
