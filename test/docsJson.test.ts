/**
 * The JSON blocks of README.md and docs/ are what the package holds: a block of node settings is
 * the Params of an example workflow or a node's default Params, and a job item meets the item
 * schema (nodes/shared/JobItem.ts) in every field it shows.
 */
import { readFileSync, readdirSync } from 'fs';
import path from 'path';

import type * as JobItem from '../nodes/shared/JobItem';
import { ourNodeTypes, repoRoot } from './harness/engine';

const { normalizedJobSchema } = require(path.join(repoRoot, 'dist/nodes/shared/JobItem.js')) as typeof JobItem;

const documents = ['README.md', ...readdirSync(path.join(repoRoot, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];

/** Every ```json block of every document, parsed. */
const blocks = documents.flatMap((file) =>
	[...readFileSync(path.join(repoRoot, file), 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].map((match, index) => ({ name: `${file} block ${index + 1}`, value: JSON.parse(match[1]) as unknown })),
);

/** The Params the package holds: of every example workflow's nodes, and every node's default. */
const paramsHeld: unknown[] = [
	...readdirSync(path.join(repoRoot, 'examples'))
		.filter((file) => file.endsWith('.json'))
		.flatMap((file) => (JSON.parse(readFileSync(path.join(repoRoot, 'examples', file), 'utf8')) as { nodes: Array<{ parameters: Record<string, unknown> }> }).nodes)
		.map((node) => node.parameters.params),
	...[...ourNodeTypes.values()].flatMap((type) => type.description.properties.filter((property) => property.name === 'params').map((property) => property.default)),
]
	.filter((params) => typeof params === 'string' && params.trim().startsWith('{'))
	.map((params) => JSON.parse(params as string) as unknown);

test('the documents show JSON blocks', () => {
	expect(blocks.length).toBeGreaterThanOrEqual(4);
});

test.each(blocks.map((block) => [block.name, block.value] as const))('%s is held by the package', (_name, value) => {
	if (typeof value === 'object' && value !== null && 'provider' in value) {
		// A job item, shortened to the fields that matter where it is shown.
		expect(normalizedJobSchema.innerType().innerType().partial().strict().safeParse(value).error?.issues ?? []).toEqual([]);
	} else {
		expect(paramsHeld).toContainEqual(value);
	}
});
