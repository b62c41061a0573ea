import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * The collector script on disk. It is shipped as it is, not compiled, beside src/ and dist/,
 * so the same relative step up reaches it from the sources and from the build.
 */
export const COLLECT_SCRIPT_PATH = fileURLToPath(new URL('../scripts/collect.sh', import.meta.url));

/** The script's text, for the API to serve at /collect.sh. */
export function readCollectScript(): Promise<string> {
  return readFile(COLLECT_SCRIPT_PATH, 'utf8');
}
