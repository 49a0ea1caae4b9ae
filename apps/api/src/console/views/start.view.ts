import type { ProjectEntity } from '@assay/db';
import { page, type PageContext } from './layout.js';
import { html, type Html } from './html.js';

export function startView(context: PageContext, project: ProjectEntity, ingestUrl: string): Html {
  const env = `OTEL_EXPORTER_OTLP_ENDPOINT=${ingestUrl}
OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<an ingest key of ${project.name}>
OTEL_SERVICE_NAME=<your service>
OTEL_RESOURCE_ATTRIBUTES=service.version=<your release>`;
  const snippet = `// npm i @opentelemetry/sdk-node @opentelemetry/instrumentation-openai
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';

// Reads OTEL_EXPORTER_OTLP_* from the environment: traces, metrics and logs go to Assay's ingest.
new NodeSDK({ instrumentations: [new OpenAIInstrumentation()] }).start();`;
  return page(
    context,
    'Getting started',
    html`<p>Point an application of project <b>${project.name}</b> at this Assay's OTLP ingest. Any OpenTelemetry SDK or Collector works; inference spans that follow the GenAI semantic conventions (or OpenInference) become samples of the model they name.</p>
<ol class="steps">
<li>An owner creates an ingest key: <code>POST /v1/keys</code> with <code>{"role": "ingest", "name": "my-app"}</code> (the secret is shown once).</li>
<li>Set these in the application's environment (the space after <code>Bearer</code> is written <code>%20</code>, as the OpenTelemetry specification requires for header values):
<pre class="copy" id="otel-env">${env}</pre></li>
<li>Start the SDK before the model client is created:<pre class="copy" id="otel-snippet">${snippet}</pre></li>
<li>Register the model under the name the application requests (<code>gen_ai.request.model</code>), or register it from <a href="/">the overview</a> once its spans arrive as unmatched.</li>
</ol>
<p class="muted">Ingest: <code>${ingestUrl}/v1/traces</code>, <code>/v1/logs</code> and <code>/v1/metrics</code>, protobuf or JSON, gzip accepted.</p>`,
  );
}
