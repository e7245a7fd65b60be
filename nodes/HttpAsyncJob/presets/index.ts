import type { ApiPreset } from './ApiPreset';
import { assemblyAi } from './assemblyAi';
import { fal } from './fal';
import { luma } from './luma';
import { replicate } from './replicate';
import { runpod } from './runpod';

/** The API selector's presets, one file each. */
export const PRESETS: ApiPreset[] = [replicate, fal, runpod, assemblyAi, luma];
