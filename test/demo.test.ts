/**
 * `npm run demo` ends by naming the next command to try. (The demo's examples include n8n's Wait
 * node, which does not load under Jest; the e2e tests and `npm run demo` itself run them all.)
 */
import { NEXT_STEP, runDemo } from '../scripts/demo';

test('the demo prints each example it ran, then the next command: npm run n8n', async () => {
	const lines: string[] = [];
	const failures = await runDemo((line) => lines.push(line), ['aetherforge-upscale.json', 'http-async-job.json']);
	expect(failures).toBe(0);
	expect(lines.join('\n')).toMatch(/\(aetherforge-upscale\.json, [\d.]+ s\)[\s\S]*\(http-async-job\.json, [\d.]+ s\)/);
	expect(lines.at(-1)).toBe(NEXT_STEP);
	expect(NEXT_STEP).toMatch(/^Next: `npm run n8n` opens these examples in a real n8n editor/);
});
