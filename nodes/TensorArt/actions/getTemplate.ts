import type { IDataObject } from 'n8n-workflow';

import type { JobOperation } from '../../shared/operations';
import { readTamsId } from '../tensorArtProvider';

/** GET /v1/workflows/{templateId}: the template's name and editable fields, as TAMS returns them. */
export const getTemplate: JobOperation = async ({ fn, client }, itemIndex) => {
	const templateId = readTamsId(fn, 'templateId', itemIndex, 'Template ID');
	const { body } = await client.request({ method: 'GET', path: `/v1/workflows/${encodeURIComponent(templateId)}`, purpose: `get template ${templateId}` }, { itemIndex });
	return { json: typeof body === 'object' && body !== null ? (body as IDataObject) : { reply: body as string } };
};
