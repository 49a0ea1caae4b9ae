import type { Request, Response } from 'express';

// Behind TLS the cookie is Secure and takes the __Host- prefix, which browsers only accept from a
// secure origin, for the whole host and without a Domain: no sibling host can set or read it.
const sessionCookieName = (secure: boolean): string => (secure ? '__Host-assay_session' : 'assay_session');
const signInCookieName = (secure: boolean): string => (secure ? '__Host-assay_signin' : 'assay_signin');

export function cookiesOf(request: Request): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

function setCookie(response: Response, name: string, value: string, maxAgeSeconds: number, secure: boolean): void {
  const attributes = [`${name}=${value}`, 'Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict'];
  if (secure) attributes.push('Secure');
  response.append('Set-Cookie', attributes.join('; '));
}

export const sessionTokenOf = (request: Request): string | undefined => cookiesOf(request).get(sessionCookieName(request.secure));
export const signInTokenOf = (request: Request): string | undefined => cookiesOf(request).get(signInCookieName(request.secure));

export function setSessionCookie(request: Request, response: Response, token: string, maxAgeSeconds: number): void {
  setCookie(response, sessionCookieName(request.secure), token, maxAgeSeconds, request.secure);
}

export function clearSessionCookie(request: Request, response: Response): void {
  setCookie(response, sessionCookieName(request.secure), '', 0, request.secure);
}

export function setSignInCookie(request: Request, response: Response, token: string): void {
  setCookie(response, signInCookieName(request.secure), token, 600, request.secure);
}

export function clearSignInCookie(request: Request, response: Response): void {
  setCookie(response, signInCookieName(request.secure), '', 0, request.secure);
}
