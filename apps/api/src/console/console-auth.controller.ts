import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Role } from '@assay/db';
import {
  clearSessionCookie, clearSignInCookie, sessionTokenOf, setSessionCookie, setSignInCookie, signInTokenOf,
} from './console-cookies.js';
import { ConsoleOpenRoute, ConsoleRoute } from './console-access.js';
import { CSRF_FIELD, formField } from './console-session.guard.js';
import { ConsoleSessionService, SESSION_TTL_MS, newToken, tokensEqual } from './console-session.service.js';
import { signInView } from './views/sign-in.view.js';

const send = (response: Response, status: number, page: { text: string }): void => {
  response.status(status).type('text/html; charset=utf-8').send(page.text);
};

// Only a path of this console: a `next` pointing elsewhere would make the sign-in an open redirect.
export function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[A-Za-z0-9/_.~%?=&-]*$/.test(next) && next.length <= 500 ? next : '/';
}

@ApiExcludeController()
@Controller()
export class ConsoleAuthController {
  constructor(private readonly sessions: ConsoleSessionService) {}

  @Get('console/sign-in')
  @ConsoleOpenRoute()
  async signInPage(@Req() request: Request, @Res() response: Response, @Query('next') next?: string): Promise<void> {
    const current = sessionTokenOf(request);
    if (current && (await this.sessions.resolve(current))) {
      response.redirect(303, safeNext(next));
      return;
    }
    const formToken = newToken();
    setSignInCookie(request, response, formToken);
    send(response, 200, signInView(formToken, safeNext(next), null));
  }

  @Post('console/sign-in')
  @ConsoleOpenRoute()
  async signIn(@Req() request: Request, @Res() response: Response): Promise<void> {
    const cookieToken = signInTokenOf(request);
    const next = safeNext(formField(request, 'next'));
    const retry = (status: number, problem: string): void => {
      const formToken = newToken();
      setSignInCookie(request, response, formToken);
      send(response, status, signInView(formToken, next, problem));
    };
    if (!cookieToken || !tokensEqual(formField(request, CSRF_FIELD), cookieToken)) {
      retry(403, 'The sign-in form expired or did not come from this page (its CSRF token is missing or wrong). Enter the key again.');
      return;
    }
    const key = formField(request, 'key')?.trim() ?? '';
    if (key.length === 0) {
      retry(400, 'Enter an API key.');
      return;
    }
    const signedIn = await this.sessions.signIn(key);
    if (!signedIn) {
      retry(401, 'That key is unknown or revoked.');
      return;
    }
    if (signedIn.session.principal.role === Role.Ingest) {
      await this.sessions.signOut(signedIn.token);
      retry(403, 'An ingest key only sends telemetry. Sign in with an owner, auditor, CI or admin key.');
      return;
    }
    clearSignInCookie(request, response);
    setSessionCookie(request, response, signedIn.token, Math.floor(SESSION_TTL_MS / 1000));
    response.redirect(303, signedIn.session.principal.role === Role.Admin && next === '/' ? '/console/admin' : next);
  }

  @Post('console/sign-out')
  @HttpCode(303)
  @ConsoleRoute(Role.Owner, Role.Auditor, Role.Ci, Role.Admin)
  async signOut(@Req() request: Request, @Res() response: Response): Promise<void> {
    const token = sessionTokenOf(request);
    if (token) await this.sessions.signOut(token);
    clearSessionCookie(request, response);
    response.redirect(303, '/console/sign-in');
  }
}
