import type { Hook } from '@hono/zod-openapi';
import type { z } from '@hono/zod-openapi';
import { ApiError } from './errors';
import { MAX_REPORTED, MORE_PROBLEMS } from './pixels';

// the zod-openapi defaultHook: turns the first few zod issues into one readable 400 message.

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export function formatPath(path: Path, root: string): string {
  let s = '';
  for (const key of path) s += typeof key === 'number' ? `[${key}]` : s === '' ? String(key) : `.${String(key)}`;
  return s === '' ? root : s;
}

function depth(issues: readonly Issue[]): number {
  let d = 0;
  for (const i of issues) d = Math.max(d, i.path.length + (i.code === 'invalid_union' ? 1 + Math.max(0, ...i.errors.map(depth)) : 0));
  return d;
}

/** the problems a typed check counted without wording them (worker/pixels.ts) */
const uncounted = (issue: Issue): number =>
  issue.code === 'custom' && issue.message === MORE_PROBLEMS ? Number((issue.params as { more?: number } | undefined)?.more ?? 0) : 0;

/** a union failed in every branch: report the branch that got furthest into the value (ties: the first) */
function flatten(issues: readonly Issue[], prefix: Path = []): { path: Path; message: string }[] {
  const out: { path: Path; message: string }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (uncounted(issue) > 0) continue;
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      let best = issue.errors[0];
      for (const branch of issue.errors) if (depth(branch) > depth(best)) best = branch;
      for (const problem of flatten(best, path)) out.push(problem);
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

export function describeIssues(issues: readonly Issue[], root: string): string {
  const all = flatten(issues);
  const shown = all.slice(0, MAX_REPORTED).map((i) => `${formatPath(i.path, root)} ${i.message}`);
  let more = all.length - shown.length;
  for (const issue of issues) more += uncounted(issue);
  return shown.join('; ') + (more > 0 ? `; and ${more} more problem${more > 1 ? 's' : ''}` : '');
}

const ROOTS: Record<string, string> = { json: 'the body', form: 'the form', query: 'the query', param: 'the path', header: 'the headers' };

export const validationHook: Hook<unknown, any, any, void> = (result) => {
  if (!result.success) {
    throw new ApiError(400, 'invalid_input', describeIssues(result.error.issues, ROOTS[result.target] ?? 'the request'));
  }
};
