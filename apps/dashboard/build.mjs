// The dashboard is, for now, a static page with no build step of its own: copying it to
// dist/ keeps the API's contract (serve apps/dashboard/dist) stable for the real app.
import { cp, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
await rm(`${here}dist`, { recursive: true, force: true });
await mkdir(`${here}dist`, { recursive: true });
await cp(`${here}public`, `${here}dist`, { recursive: true });
