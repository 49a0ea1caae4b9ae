import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { documentDerivedErrors, ErrorBodyDto } from '@assay/common';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Assay API')
    .setDescription('Model governance and drift monitoring: models, baselines, monitors, gates, reports, the tiering report and the signed ledger.')
    .setVersion('1')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    // Relative: the document is served by the API it describes, wherever that is reached.
    .addServer('/', 'the Assay API serving this document')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      // Nest's default says JWT; an Assay key is an opaque secret, assay_<role>_<random>.
      bearerFormat: 'Assay API key',
      description: 'an Assay API key (`Authorization: Bearer <key>`), made with POST /v1/keys; its role decides the operations it may use',
    })
    .build();
  return documentDerivedErrors(SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodyDto] }));
}
