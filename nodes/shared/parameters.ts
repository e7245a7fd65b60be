import type { IBinaryData, IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/*
 * Checks of what an item hands a node, made before anything is sent. An expression can resolve
 * to any value, so each refusal names the item, the field and the rule it breaks.
 */

/** The error for a value that breaks a rule, e.g. `"Job ID" of item 2 is empty`. */
export function invalidValue(node: INode, itemIndex: number | undefined, field: string, rule: string, description?: string): NodeOperationError {
	const where = itemIndex === undefined ? `"${field}"` : `"${field}" of item ${itemIndex}`;
	return new NodeOperationError(node, `${where} ${rule}`, { itemIndex, description });
}

/** A value as a message shows it: text quoted, lists and objects by their kind. */
export function describeValue(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
	if (Array.isArray(value)) return 'a list';
	if (value !== null && typeof value === 'object') return 'an object';
	return String(value);
}

/** `value` as text that is not empty; a number (an ID from an expression) counts as its digits. */
export function checkedText(node: INode, value: unknown, field: string, itemIndex?: number): string {
	if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
	if (typeof value !== 'string') {
		throw invalidValue(node, itemIndex, field, `must be text, not ${describeValue(value)}`, `If "${field}" is an expression, point it at a single value, e.g. {{ $json.jobId }}.`);
	}
	const text = value.trim();
	if (text === '') {
		throw invalidValue(node, itemIndex, field, 'is empty', `Give a value for "${field}", or check that the expression finds one in this item.`);
	}
	return text;
}

/** Reads a text parameter that must not be empty. */
export function requiredString(fn: IExecuteFunctions, name: string, itemIndex: number, displayName: string): string {
	return checkedText(fn.getNode(), fn.getNodeParameter(name, itemIndex, ''), displayName, itemIndex);
}

/** Reads a text parameter that may be left empty (then undefined); anything but text is refused. */
export function optionalString(fn: IExecuteFunctions, name: string, itemIndex: number, displayName: string): string | undefined {
	return optionalText(fn.getNode(), fn.getNodeParameter(name, itemIndex, ''), displayName, itemIndex);
}

/** A value that may be empty (then undefined); anything but text is refused. */
export function optionalText(node: INode, value: unknown, field: string, itemIndex: number): string | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
	return checkedText(node, value, field, itemIndex);
}

/** The image file an item holds in binary property `property` (the `field` that names it). */
export function imageBinary(
	fn: IExecuteFunctions,
	itemIndex: number,
	property: string,
	field: string,
): IBinaryData {
	let binary: IBinaryData;
	try {
		binary = fn.helpers.assertBinaryData(itemIndex, property);
	} catch {
		throw invalidValue(fn.getNode(), itemIndex, field, `names binary property "${property}", which the item does not have`, 'Check the name, and that the node before this one outputs the file.');
	}
	if (!binary.mimeType.startsWith('image/')) {
		throw invalidValue(fn.getNode(), itemIndex, field, `must be an image, but binary property "${property}" holds ${binary.mimeType}, not an image`);
	}
	return binary;
}

/** The image in the item's binary property `property`, which the node field `field` names, with its bytes. */
export async function readImage(
	fn: IExecuteFunctions,
	itemIndex: number,
	property: string,
	field: string,
): Promise<{ binary: IBinaryData; bytes: Buffer }> {
	const binary = imageBinary(fn, itemIndex, property, field);
	return { binary, bytes: await fn.helpers.getBinaryDataBuffer(itemIndex, property) };
}

/**
 * Reads a collection parameter (options, wait settings) of one item, each value set in it checked
 * against its field as the node describes it (see `checkedSetting`). Fields not described pass.
 */
export function checkedCollection(fn: IExecuteFunctions, name: string, itemIndex: number, displayName: string, fields: INodeProperties[]): IDataObject {
	const values = { ...(fn.getNodeParameter(name, itemIndex, {}) as IDataObject) };
	for (const field of fields) {
		const value = values[field.name];
		if (value === undefined) continue;
		const checked = checkedSetting(field, value);
		if ('rule' in checked) {
			throw invalidValue(fn.getNode(), itemIndex, field.displayName, `${checked.rule}, not ${describeValue(value)}`, `Set it in "${displayName}", or fix the expression that gives it.`);
		}
		values[field.name] = checked.value as IDataObject[string];
	}
	return values;
}

/** Reads one parameter of an item, checked against its property as the node describes it (see `checkedSetting`). */
export function checkedParameter<T = unknown>(fn: IExecuteFunctions, property: INodeProperties, itemIndex: number): T {
	const value = fn.getNodeParameter(property.name, itemIndex, property.default) as unknown;
	const checked = checkedSetting(property, value);
	if ('rule' in checked) {
		throw invalidValue(fn.getNode(), itemIndex, property.displayName, `${checked.rule}, not ${describeValue(value)}`, `Set "${property.displayName}" again, or fix the expression that gives it.`);
	}
	return checked.value as T;
}

/**
 * A value checked against the field that describes it: a number at least its minimum (numeric
 * text is taken as the number), one of its options, true or false (the text "true" or "false"
 * an expression gives counts as it), or text.
 */
function checkedSetting(field: INodeProperties, value: unknown): { value: unknown } | { rule: string } {
	switch (field.type) {
		case 'number': {
			const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
			const min = field.typeOptions?.minValue;
			if (typeof number !== 'number' || !Number.isFinite(number) || (min !== undefined && number < min)) {
				return { rule: min === undefined ? 'must be a number' : `must be a number of at least ${min}` };
			}
			return { value: number };
		}
		case 'options': {
			const allowed = (field.options ?? []).map((option) => ('value' in option ? option.value : undefined));
			return allowed.includes(value as string) ? { value } : { rule: `must be one of ${allowed.map((entry) => JSON.stringify(entry)).join(', ')}` };
		}
		case 'boolean': {
			const flag = booleanOf(value);
			return flag === undefined ? { rule: 'must be true or false' } : { value: flag };
		}
		case 'string':
			return typeof value === 'string' ? { value } : { rule: 'must be text' };
		default:
			return { value };
	}
}

/** true or false, also as the text an expression may give; undefined for anything else. */
export function booleanOf(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	return undefined;
}

/** The credential's base URL without trailing slashes, or the provider's default. */
export function trimmedBaseUrl(value: unknown, fallback: string): string {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
	return text.replace(/\/+$/, '');
}
