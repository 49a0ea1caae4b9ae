import { Role } from '@assay/db';
import type { Principal } from '@assay/common';
import { CSRF_FIELD } from '../console-session.guard.js';
import { html, type Html } from './html.js';

export interface PageContext {
  principal: Principal;
  csrfToken: string;
  path: string;
}

const NAV: Array<{ href: string; label: string; roles: Role[] }> = [
  { href: '/', label: 'Models', roles: [Role.Owner, Role.Auditor, Role.Ci] },
  { href: '/console/alerts', label: 'Alerts', roles: [Role.Owner, Role.Auditor] },
  { href: '/console/ledger', label: 'Ledger', roles: [Role.Owner, Role.Auditor, Role.Ci, Role.Admin] },
  { href: '/console/reports', label: 'Reports', roles: [Role.Owner, Role.Auditor] },
  { href: '/console/tiering', label: 'Tiering', roles: [Role.Owner, Role.Auditor] },
  { href: '/console/start', label: 'Getting started', roles: [Role.Owner, Role.Auditor, Role.Ci] },
  { href: '/console/admin', label: 'Projects and keys', roles: [Role.Admin] },
];

export const canAct = (principal: Principal): boolean => principal.role === Role.Owner;

export const csrfInput = (context: PageContext): Html => html`<input type="hidden" name="${CSRF_FIELD}" value="${context.csrfToken}">`;

function document(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · Assay</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>${body}</body></html>
`;
}

export function page(context: PageContext, title: string, content: Html): Html {
  const links = NAV.filter((n) => n.roles.includes(context.principal.role)).map(
    (n) => html`<li><a href="${n.href}"${n.href === context.path ? html` aria-current="page"` : ''}>${n.label}</a></li>`,
  );
  return document(
    title,
    html`<a class="skip" href="#main">Skip to content</a>
<header class="bar"><a class="brand" href="/">Assay</a>
<nav aria-label="Console"><ul>${links}</ul></nav>
<form class="who" method="post" action="/console/sign-out">${csrfInput(context)}
<span>${context.principal.keyName} <span class="role">${context.principal.role}</span></span>
<button type="submit">Sign out</button></form></header>
<main id="main"><h1>${title}</h1>${content}</main>`,
  );
}

export function bare(title: string, content: Html): Html {
  return document(title, html`<header class="bar"><a class="brand" href="/">Assay</a></header><main id="main"><h1>${title}</h1>${content}</main>`);
}
