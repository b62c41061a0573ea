import { defineConfig } from 'prisma/config';

// Only `prisma generate`, `validate` and `format` are used: the database is migrated by
// node-pg-migrate from the SQL files in prisma/migrations (see libs/db/src/migrations).
export default defineConfig({
  schema: 'prisma/schema.prisma',
});
