import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';
export const FORM_LIMIT_BYTES = 16 * 1024;

// Scripts, styles and requests from this origin only; SVG charts are inline markup, not images.
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const isConsolePath = (path: string): boolean => path === '/' || path === '/console' || path.startsWith('/console/');

/**
 * The console's HTTP rules, ahead of its routes: its own Content-Security-Policy in place of the
 * API's `default-src 'none'`, no caching of pages that show a project's data, and form bodies
 * (small ones) on console paths only; the REST API keeps refusing them with 415.
 */
export function useConsoleHttp(app: NestExpressApplication): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!isConsolePath(req.path)) {
      if (mediaType === FORM_MEDIA_TYPE) {
        res.status(415).json({
          statusCode: 415,
          error: 'Unsupported Media Type',
          message: `content type "${mediaType}" is accepted by the console's forms only; the API takes application/json`,
          requestId: (req as Request & { id?: string }).id,
        });
        return;
      }
      next();
      return;
    }
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    if (!req.path.startsWith('/console/assets/')) res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.useBodyParser('urlencoded', { limit: FORM_LIMIT_BYTES, extended: false, parameterLimit: 50 });
}
