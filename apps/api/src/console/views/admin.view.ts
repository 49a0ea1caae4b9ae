import type { ApiKeyEntity, ProjectEntity } from '@assay/db';
import { page, type PageContext } from './layout.js';
import { html, when, type Html } from './html.js';

export function adminView(context: PageContext, projects: ProjectEntity[], keys: ApiKeyEntity[]): Html {
  const names = new Map(projects.map((p) => [p.id, p.name]));
  return page(
    context,
    'Projects and keys',
    html`<p>Projects and API keys are managed through the API (<code>POST /v1/projects</code>, <code>POST /v1/keys</code>, <code>DELETE /v1/keys/{id}</code>); a new key's secret is shown once, so it is not created from a page.</p>
<h2>Projects</h2>
<table><thead><tr><th scope="col">name</th><th scope="col">id</th><th scope="col">created</th></tr></thead><tbody>${projects.map(
      (p) => html`<tr><th scope="row">${p.name}</th><td><code>${p.id}</code></td><td>${when(p.createdAt)}</td></tr>`,
    )}</tbody></table>
<h2>Keys</h2>
<table><thead><tr><th scope="col">name</th><th scope="col">role</th><th scope="col">project</th><th scope="col">created</th><th scope="col">last used</th><th scope="col">revoked</th></tr></thead><tbody>${keys.map(
      (k) => html`<tr><td>${k.name}</td><td>${k.role}</td><td>${k.projectId ? (names.get(k.projectId) ?? k.projectId) : '—'}</td><td>${when(k.createdAt)}</td><td>${when(k.lastUsedAt)}</td><td>${when(k.revokedAt)}</td></tr>`,
    )}</tbody></table>`,
  );
}
