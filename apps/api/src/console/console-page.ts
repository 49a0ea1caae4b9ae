import type { Response } from 'express';
import type { ConsoleRequest } from './console-session.guard.js';
import type { Html } from './views/html.js';
import type { PageContext } from './views/layout.js';

export function contextOf(request: ConsoleRequest): PageContext {
  return { principal: request.principal!, csrfToken: request.consoleSession!.csrfToken, path: request.path };
}

export function sendPage(response: Response, page: Html, status = 200): void {
  response.status(status).type('text/html; charset=utf-8').send(page.text);
}

/** After a form post: JSON for the page's script, which updates in place; a redirect back otherwise. */
export function afterForm(request: ConsoleRequest, response: Response, json: unknown, back: string): void {
  if (request.accepts(['text/html', 'application/json']) === 'application/json') response.status(200).json(json);
  else response.redirect(303, back);
}
