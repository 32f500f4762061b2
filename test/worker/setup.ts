import { applyD1Migrations, type D1Migration } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// every worker test file starts with a fresh database: make the tables wrangler's migrations make
// (vitest.config.ts reads migrations/ into TEST_MIGRATIONS). already applied ones are skipped.
await applyD1Migrations(env.FEEDBACK_DB, (env as unknown as { TEST_MIGRATIONS: D1Migration[] }).TEST_MIGRATIONS);
