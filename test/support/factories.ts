import { randomBytes } from 'node:crypto';
import { call } from './http.js';
import type { TestAssay } from './assay.js';

export type ProjectRole = 'owner' | 'ci' | 'auditor' | 'ingest';

export interface IssuedKey {
  id: string;
  key: string;
}

export interface SeededProject {
  id: string;
  name: string;
  keys: Record<ProjectRole, IssuedKey>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function createKey(assay: Pick<TestAssay, 'apiUrl'>, creatorKey: string, projectId: string | undefined, role: string): Promise<IssuedKey> {
  const response = await call<{ id: string; key: string }>('POST', `${assay.apiUrl}/v1/keys`, {
    key: creatorKey,
    json: { projectId, role, name: `${role}-key` },
  });
  if (response.status !== 201) throw new Error(`creating a ${role} key failed: ${response.status} ${response.text}`);
  return { id: response.body.id, key: response.body.key };
}

export async function seedProject(assay: Pick<TestAssay, 'apiUrl' | 'adminKey'>, name = uniqueName('project')): Promise<SeededProject> {
  const created = await call<{ id: string; name: string }>('POST', `${assay.apiUrl}/v1/projects`, {
    key: assay.adminKey,
    json: { name },
  });
  if (created.status !== 201) throw new Error(`creating project failed: ${created.status} ${created.text}`);
  const id = created.body.id;
  const roles: ProjectRole[] = ['owner', 'ci', 'auditor', 'ingest'];
  const issued = await Promise.all(roles.map((role) => createKey(assay, assay.adminKey, id, role)));
  return { id, name, keys: Object.fromEntries(roles.map((r, i) => [r, issued[i]])) as Record<ProjectRole, IssuedKey> };
}

export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}
