import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { API_MEDIA_TYPES, createHttpApp, type Runtime } from '@assay/common';
import { ApiModule } from './api.module.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { FORM_MEDIA_TYPE, isConsolePath, useConsoleHttp } from './console/console-http.js';

export async function createApiApp(runtime: Runtime): Promise<INestApplication> {
  return createHttpApp(ApiModule.forRoot(runtime), runtime, {
    name: 'api',
    jsonLimitBytes: runtime.config.api.bodyLimitBytes,
    admission: { maxInFlight: runtime.config.api.maxInFlight, authenticatedOtherwise: isConsolePath },
    acceptedMediaTypes: [...API_MEDIA_TYPES, FORM_MEDIA_TYPE],
    configure: (app) => {
      useConsoleHttp(app);
      const document = buildOpenApiDocument(app);
      SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
    },
  });
}
