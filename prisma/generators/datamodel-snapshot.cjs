#!/usr/bin/env node
// A Prisma generator that writes the schema's data model (the DMMF) as JSON next to the
// generated client. The schema-drift test compares it with the migrated database, which is
// how we keep prisma/schema.prisma and the hand-written SQL migrations honest without
// Prisma Migrate's schema engine.
const { generatorHandler } = require('@prisma/generator-helper');
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

generatorHandler({
  onManifest: () => ({
    prettyName: 'netmortem data-model snapshot',
    defaultOutput: './datamodel.json',
  }),
  onGenerate: (options) => {
    const output = options.generator.output?.value;
    if (!output) throw new Error('datamodel-snapshot: the generator needs an output path');
    mkdirSync(path.dirname(output), { recursive: true });
    writeFileSync(output, JSON.stringify(options.dmmf.datamodel, null, 2) + '\n');
  },
});
