import type { IBinaryKeyData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { NormalizedJob } from './JobItem';

/** Output links expire, so finished outputs can be fetched into n8n binary data at once. */
export async function downloadJobOutputs(
	fn: IExecuteFunctions,
	job: NormalizedJob,
	propertyName: string,
	itemIndex: number,
): Promise<IBinaryKeyData> {
	const binary: IBinaryKeyData = {};
	for (const [index, output] of job.outputs.entries()) {
		let response: { body: Buffer; headers: Record<string, string> };
		try {
			response = await fn.helpers.httpRequest({
				url: output.url,
				encoding: 'arraybuffer',
				returnFullResponse: true,
				timeout: 120_000,
			});
		} catch (error) {
			throw new NodeOperationError(fn.getNode(), `Could not download output ${index + 1} of job ${job.jobId}`, {
				itemIndex,
				description: `${(error as Error).message}. Output links expire: download them right after the job finishes.`,
			});
		}
		const fileName = fileNameOf(output.url, job.jobId, index, output.format);
		const mimeType = String(response.headers['content-type'] ?? '').split(';')[0] || undefined;
		const key = index === 0 ? propertyName : `${propertyName}_${index}`;
		binary[key] = await fn.helpers.prepareBinaryData(Buffer.from(response.body), fileName, mimeType);
	}
	return binary;
}

function fileNameOf(url: string, jobId: string, index: number, format: string | undefined): string {
	const last = url.split(/[?#]/)[0].split('/').pop();
	if (last && /\.[a-z0-9]{2,5}$/i.test(last)) return decodeURIComponent(last);
	return `${jobId}-${index + 1}${format ? `.${format}` : ''}`;
}
