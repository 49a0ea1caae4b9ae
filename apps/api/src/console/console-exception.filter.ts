import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError, LOGGER, errorBodyOf } from '@assay/common';
import { SignInRequired } from './console-session.guard.js';
import { bare } from './views/layout.js';
import { html } from './views/html.js';

/** The console's errors as pages with the status and its reason; a page read without a session goes to sign-in. */
@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request & { id?: string }>();
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    if (error instanceof SignInRequired) {
      response.redirect(303, `/console/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
      return;
    }
    const body = errorBodyOf(error, request.id ? String(request.id) : undefined, this.logger);
    if (error instanceof DomainError && error.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(error.retryAfterSeconds));
    const messages = Array.isArray(body.message) ? body.message : [body.message];
    response
      .status(body.statusCode)
      .type('text/html; charset=utf-8')
      .send(
        bare(
          `${body.statusCode} ${body.error}`,
          html`<p role="alert" class="error">${messages.map((m) => html`<span>${m}</span> `)}</p>
<p class="muted">${body.requestId ? html`Request id <code>${body.requestId}</code>. ` : ''}${body.errorId ? html`Error id <code>${body.errorId}</code>. ` : ''}</p>
<p><a href="/">Back to the console</a></p>`,
        ).text,
      );
  }
}
