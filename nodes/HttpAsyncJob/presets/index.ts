import type { ApiPreset } from './ApiPreset';
import { elevenlabs } from './elevenlabs';
import { fal } from './fal';
import { openai } from './openai';
import { replicate } from './replicate';
import { runway } from './runway';

/** The API selector's presets, one file each. */
export const PRESETS: ApiPreset[] = [replicate, fal, openai, runway, elevenlabs];
