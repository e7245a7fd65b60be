import type { ApiPreset } from './ApiPreset';
import { assemblyAi } from './assemblyAi';
import { elevenlabs } from './elevenlabs';
import { fal } from './fal';
import { gemini } from './gemini';
import { luma } from './luma';
import { openai } from './openai';
import { replicate } from './replicate';
import { runpod } from './runpod';
import { runway } from './runway';

/** The API selector's presets, one file each. */
export const PRESETS: ApiPreset[] = [replicate, fal, runpod, assemblyAi, luma, openai, gemini, runway, elevenlabs];
