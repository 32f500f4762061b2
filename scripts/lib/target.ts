import type { KvTarget } from './kv';

// --remote / --local (default) / --persist-to, shared by the KV scripts.
export const TARGET_OPTIONS = {
  remote: { type: 'boolean' },
  local: { type: 'boolean' },
  'persist-to': { type: 'string' },
} as const;

export function targetOf(v: { remote?: boolean; local?: boolean; 'persist-to'?: string }): KvTarget {
  if (v.remote && v.local) throw new Error('--remote and --local contradict each other');
  if (v.remote && v['persist-to']) throw new Error('--persist-to names a local store; drop it or --remote');
  return { remote: v.remote ?? false, persistTo: v['persist-to'] };
}

export const describeTarget = (t: KvTarget) => (t.remote ? 'remote KV (the deployed namespace)' : `local KV (${t.persistTo ?? '.wrangler/state'}, what \`wrangler dev\` reads)`);
