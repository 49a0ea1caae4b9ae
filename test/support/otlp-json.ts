import { randomBytes } from 'node:crypto';

/** A minimal OTLP/JSON export request of GenAI chat spans, with ids the caller can track. */
export function otlpChatRequest(model: string, count: number, options: { version?: string; traceId?: string } = {}): { body: string; spanIds: string[] } {
  const traceId = options.traceId ?? randomBytes(16).toString('hex');
  const now = BigInt(Date.now()) * 1_000_000n;
  const spanIds = Array.from({ length: count }, () => randomBytes(8).toString('hex'));
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fault-app' } }] },
        scopeSpans: [
          {
            spans: spanIds.map((spanId, i) => ({
              traceId,
              spanId,
              name: `chat ${model}`,
              kind: 3,
              startTimeUnixNano: String(now - 50_000_000n - BigInt(i) * 1000n),
              endTimeUnixNano: String(now - BigInt(i) * 1000n),
              attributes: [
                { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
                { key: 'gen_ai.request.model', value: { stringValue: model } },
                { key: 'gen_ai.usage.input_tokens', value: { intValue: String(10 + i) } },
                { key: 'gen_ai.usage.output_tokens', value: { intValue: String(20 + i) } },
                ...(options.version ? [{ key: 'assay.model.version', value: { stringValue: options.version } }] : []),
              ],
            })),
          },
        ],
      },
    ],
  });
  return { body, spanIds };
}
