import { bare } from './layout.js';
import { html, type Html } from './html.js';

export function signInView(formToken: string, next: string, problem: string | null): Html {
  return bare(
    'Sign in',
    html`<p>Sign in with an Assay API key. Its role decides what you see and may do: owners act on models and alerts, auditors and CI read, admins manage projects and keys.</p>
${problem ? html`<p role="alert" class="error">${problem}</p>` : ''}
<form method="post" action="/console/sign-in" class="stack">
<input type="hidden" name="_csrf" value="${formToken}">
<input type="hidden" name="next" value="${next}">
<label for="key">API key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required minlength="16" maxlength="512" spellcheck="false" autofocus>
<button type="submit">Sign in</button>
</form>
<p class="muted">The key is exchanged for a session cookie that lasts 8 hours; it is never put in a URL or stored in the browser.</p>`,
  );
}
