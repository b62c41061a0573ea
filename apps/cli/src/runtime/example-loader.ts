import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  API_TOKEN_PREFIX,
  ApiTokenRepository,
  IncidentRepository,
  TeamRepository,
  createPrismaClient,
  hashSecret,
  newSecret,
  secretPrefix,
} from '@netmortem/db';
import { archiveDirectory } from '../upload/directory-archive.js';
import { NetmortemClient } from '../upload/netmortem-client.js';

const EXAMPLES_DIR = fileURLToPath(new URL('../../../../examples', import.meta.url));
const INCIDENT_FILE = 'incident.json';

interface ExampleIncident {
  title: string;
  description?: string;
  labels?: Record<string, string>;
}

/**
 * First start only (the default team has no incidents yet): each folder under examples/
 * becomes an incident with its files uploaded as a bundle, through the same HTTP API an
 * engineer uses, so the dashboard opens on real analyses rather than an empty page.
 */
export async function loadExampleBundles(options: {
  baseUrl: string;
  databaseUrl: string;
  log: (message: string) => void;
}): Promise<number> {
  const examples = await listExamples();
  if (examples.length === 0) return 0;
  const prisma = createPrismaClient({ databaseUrl: options.databaseUrl, maxConnections: 2 });
  const tokens = new ApiTokenRepository(prisma);
  try {
    const team = await new TeamRepository(prisma).findByName('default');
    if (!team) return 0;
    const existing = await new IncidentRepository(prisma).list(team.id, {}, { first: 1 });
    if (existing.items.length > 0) return 0;

    const secret = newSecret(API_TOKEN_PREFIX);
    const token = await tokens.create({
      teamId: team.id,
      createdByUserId: null,
      name: 'example loader (revoked after use)',
      tokenPrefix: secretPrefix(secret),
      tokenHash: hashSecret(secret),
      role: 'MEMBER',
      expiresAt: new Date(Date.now() + 15 * 60_000),
    });
    const client = new NetmortemClient(options.baseUrl, secret);
    let loaded = 0;
    try {
      for (const example of examples) {
        try {
          const incident = JSON.parse(
            await readFile(path.join(example, INCIDENT_FILE), 'utf8'),
          ) as ExampleIncident;
          const incidentId = await client.createIncident({
            title: incident.title,
            description: incident.description ?? '',
            labels: { ...incident.labels, example: 'true' },
          });
          await client.uploadBundle(
            incidentId,
            `${path.basename(example)}.tar.gz`,
            archiveDirectory(example, (relative) => relative === INCIDENT_FILE),
          );
          loaded += 1;
        } catch (error) {
          options.log(
            `example ${path.basename(example)} not loaded: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    } finally {
      await tokens.revoke(team.id, token.id, new Date());
    }
    return loaded;
  } finally {
    await prisma.$disconnect();
  }
}

async function listExamples(): Promise<string[]> {
  try {
    const entries = await readdir(EXAMPLES_DIR, { withFileTypes: true });
    const folders = entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(EXAMPLES_DIR, entry.name));
    const withIncident: string[] = [];
    for (const folder of folders.sort()) {
      if ((await readdir(folder)).includes(INCIDENT_FILE)) withIncident.push(folder);
    }
    return withIncident;
  } catch {
    return [];
  }
}
