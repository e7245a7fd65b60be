import type { JobRefReader } from '../../shared/operations';
import { invalidValue, requiredString } from '../../shared/parameters';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An AetherForge job is addressed by its id alone, a UUID: anything else is refused before a request is sent. */
export const readJobRef: JobRefReader = (fn, itemIndex) => {
	const jobId = requiredString(fn, 'jobId', itemIndex, 'Job ID');
	if (!UUID.test(jobId)) {
		throw invalidValue(
			fn.getNode(),
			itemIndex,
			'Job ID',
			`must be an AetherForge job ID (a UUID), not "${jobId}"`,
			'AetherForge job IDs are UUIDs such as 550e8400-e29b-41d4-a716-446655440000, as Create Job outputs them in "jobId".',
		);
	}
	return { jobId };
};
