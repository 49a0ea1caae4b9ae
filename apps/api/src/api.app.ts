import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_MEDIA_TYPES, createHttpApp, type Runtime } from '@assay/common';
import { ApiModule } from './api.module.js';
import { FORM_MEDIA_TYPE, isConsolePath, useConsoleHttp } from './console/console-http.js';

export async function createApiApp(runtime: Runtime): Promise<INestApplication> {
  return createHttpApp(ApiModule.forRoot(runtime), runtime, {
    name: 'api',
    jsonLimitBytes: runtime.config.api.bodyLimitBytes,
    admission: { maxInFlight: runtime.config.api.maxInFlight, authenticatedOtherwise: isConsolePath },
    acceptedMediaTypes: [...API_MEDIA_TYPES, FORM_MEDIA_TYPE],
    configure: (app) => {
      useConsoleHttp(app);
      const document = SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Assay API')
          .setDescription('Model governance and drift monitoring: models, baselines, monitors, gates, reports and the signed ledger.')
          .setVersion('1')
          .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an Assay API key' })
          .build(),
      );
      SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
    },
  });
}
