import type { ApiPreset } from './ApiPreset';
import { replicate } from './replicate';

/** The API selector's presets, one file each. */
export const PRESETS: ApiPreset[] = [replicate];
