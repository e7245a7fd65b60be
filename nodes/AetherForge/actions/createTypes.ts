/**
 * AetherForge's creation endpoints as data: every one is a multipart POST that answers
 * `{ job_id }`; only the path and the form fields differ. The node's fields and the checks
 * made before sending are both built from this table.
 */

export interface FormField {
	/** Form field name, as the API names it. */
	name: string;
	displayName: string;
	kind: 'text' | 'options' | 'boolean' | 'file' | 'files' | 'json';
	/** Allowed values of an `options` field, and the one the form starts with (else the first). */
	values?: string[];
	defaultValue?: string;
	optional?: boolean;
	/** For `files`: how many files the field takes. */
	minFiles?: number;
	maxFiles?: number;
	description?: string;
}

export interface CreateType {
	value: string;
	name: string;
	path: string;
	fields: FormField[];
}

const IMAGE_MODELS = [
	'GPT Image 1.5',
	'GPT Image 2',
	'Grok Imagine',
	'Grok Imagine Pro',
	'Nano Banana',
	'Nano Banana 2',
	'Nano Banana Pro',
];

/** How many reference images each image model takes (10 unless listed). */
export const REF_IMAGE_LIMITS: Record<string, number> = { 'Grok Imagine': 5, 'Grok Imagine Pro': 1 };
export const DEFAULT_REF_IMAGE_LIMIT = 10;

const RESOLUTIONS = ['1K', '2K', '4K'];
const QUALITIES = ['standard', 'pro'];
const STYLES = ['pixel', 'cartoon', 'sd', 'quater_view'];

/** An image from a binary field of the input item, labelled as n8n labels such fields. */
const image = (name = 'image', optional = false): FormField => ({
	name,
	displayName: name === 'image' ? 'Input Binary Field' : `${titleOf(name.replace(/_image$/, ''))} Field`,
	kind: 'file',
	optional,
});
const text = (name: string, description?: string): FormField => ({ name, displayName: titleOf(name), kind: 'text', description });
const choice = (name: string, values: string[], optional = false, defaultValue?: string): FormField => ({
	name,
	displayName: titleOf(name),
	kind: 'options',
	values,
	optional,
	defaultValue,
});
const isPixel: FormField = { name: 'is_pixel', displayName: 'Pixel Art', kind: 'boolean' };
const rows: FormField = {
	name: 'rows',
	displayName: 'Rows',
	kind: 'json',
	description: 'JSON list of the sheet\'s rows, e.g. [{"row":1,"title":"Idle","description":"standing still"}]',
};
const characterImages: FormField = {
	name: 'character_images',
	displayName: 'Character Image Fields',
	kind: 'files',
	minFiles: 1,
	maxFiles: 4,
};

export const CREATE_TYPES: CreateType[] = [
	{
		value: 'generateImage',
		name: 'Generate Image',
		path: '/public/v1/generate/image',
		fields: [
			text('prompt'),
			choice('ai_model', IMAGE_MODELS),
			{ name: 'ref_images', displayName: 'Reference Image Fields', kind: 'files', optional: true, maxFiles: DEFAULT_REF_IMAGE_LIMIT },
		],
	},
	{
		value: 'effectV1',
		name: 'Effect (V1)',
		path: '/public/v1/generate/effect/v1',
		fields: [text('description'), choice('resolution', RESOLUTIONS), image('image', true)],
	},
	{
		value: 'effectV2',
		name: 'Effect (V2)',
		path: '/public/v1/generate/effect/v2',
		fields: [text('description'), choice('quality', QUALITIES), choice('frame', ['4', '9', '16']), image('image', true)],
	},
	{
		value: 'upscale',
		name: 'Upscale Image',
		path: '/public/v1/image-tune/upscale',
		// 1K would leave most inputs as they are: an upscale starts at 2K.
		fields: [image(), choice('scale', RESOLUTIONS, false, '2K')],
	},
	{
		value: 'inpaintV2',
		name: 'Inpaint Image (V2)',
		path: '/public/v1/image-tune/inpaint/v2',
		fields: [image(), text('prompt'), choice('quality', QUALITIES)],
	},
	{
		value: 'splitLayer',
		name: 'Split Layer',
		path: '/public/v1/image-tune/split-layer',
		fields: [image(), text('keyword')],
	},
	{
		value: 'makeSpriteV1',
		name: 'Make Sprite (V1)',
		path: '/public/v1/sprite/make-sprite/v1',
		fields: [
			image(),
			text('text'),
			choice('frame', ['25', '36', '49', '64', '81', '100', '121', '144', '169']),
			isPixel,
		],
	},
	{
		value: 'makeSpriteV2',
		name: 'Make Sprite (V2)',
		path: '/public/v1/sprite/make-sprite/v2',
		fields: [image('start_frame_image'), image('end_frame_image', true), text('text'), choice('frame', ['49', '81', '121']), isPixel],
	},
	{
		value: 'reskinV1',
		name: 'Reskin Sprite (V1)',
		path: '/public/v1/sprite/reskin/v1',
		fields: [image(), text('description'), choice('resolution', RESOLUTIONS), choice('style', STYLES, true)],
	},
	{
		value: 'reskinV2',
		name: 'Reskin Sprite (V2)',
		path: '/public/v1/sprite/reskin/v2',
		fields: [image(), text('description'), choice('quality', QUALITIES), choice('style', STYLES, true)],
	},
	{
		value: 'characterOverlayV1',
		name: 'Character Overlay (V1)',
		path: '/public/v1/sprite/character-overlay/v1',
		fields: [image('sprite_sheet'), characterImages, rows, choice('resolution', RESOLUTIONS), choice('style', STYLES, true)],
	},
	{
		value: 'characterOverlayV2',
		name: 'Character Overlay (V2)',
		path: '/public/v1/sprite/character-overlay/v2',
		fields: [image('sprite_sheet'), characterImages, rows, choice('quality', QUALITIES), choice('style', STYLES, true)],
	},
];

function titleOf(name: string): string {
	return name
		.split('_')
		.map((word) => (word === 'ai' ? 'AI' : word.charAt(0).toUpperCase() + word.slice(1)))
		.join(' ');
}
