import type { ApiPreset } from './ApiPreset';
import { fal } from './fal';
import { replicate } from './replicate';

/** The API selector's presets, one file each. */
export const PRESETS: ApiPreset[] = [replicate, fal];
