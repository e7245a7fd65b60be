import type { JobRefReader } from '../../shared/operations';
import { readTamsId } from '../tensorArtProvider';

/** A TAMS job is addressed by its id alone. */
export const readJobRef: JobRefReader = (fn, itemIndex) => ({ jobId: readTamsId(fn, 'jobId', itemIndex, 'Job ID') });
