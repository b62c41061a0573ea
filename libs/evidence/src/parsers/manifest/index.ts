import type { BundleManifest } from '@netmortem/domain';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { manifestParser as manifest } from './manifest.parser.js';

/** kind `manifest` */
export const manifestParser: TextArtifactParser<BundleManifest> = manifest;
