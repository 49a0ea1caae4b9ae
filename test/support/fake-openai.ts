import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMBEDDING_INPUT_TOKENS, FAKE_ANSWER, FAKE_USAGE, RATE_LIMIT_TRIGGER } from '../../libs/otlp/fixtures/clients/catalog.js';

/**
 * An OpenAI-compatible server on loopback, answering as the real API does (field for field, as the
 * OpenAI Node SDK and the AI SDK's zod schemas expect): chat completions (plain, streamed with a
 * usage chunk, tool calls), the Responses API (plain and streamed), embeddings, and 429 for any
 * request whose input contains RATE_LIMIT. Chat and Responses answers name the dated snapshot, as
 * OpenAI does, so clients report a response model that differs from the requested one.
 */

const SNAPSHOTS: Record<string, string> = { 'gpt-4o-mini': 'gpt-4o-mini-2024-07-18', 'gpt-4o': 'gpt-4o-2024-08-06' };
const CHUNK_DELAY_MS = 15;

export interface FakeOpenAi {
  url: string;
  /** Requests answered so far, by path and whether they streamed. */
  requests: Array<{ path: string; model: string; stream: boolean; status: number }>;
  close(): Promise<void>;
}

type Body = Record<string, unknown>;

export function snapshotOf(model: string): string {
  return SNAPSHOTS[model] ?? model;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: FakeOpenAi['requests'] = [];
  let sequence = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0].replace(/^\/v1/, '');
      let body: Body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Body;
      } catch {
        return json(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error', param: null, code: null } });
      }
      const model = typeof body.model === 'string' ? body.model : '';
      const stream = body.stream === true;
      const id = ++sequence;
      const record = (status: number): void => {
        requests.push({ path, model, stream, status });
      };
      if (JSON.stringify(body).includes(RATE_LIMIT_TRIGGER)) {
        record(429);
        res.setHeader('retry-after', '1');
        res.setHeader('x-request-id', `req_${id}`);
        return json(res, 429, {
          error: { message: 'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3.', type: 'requests', param: null, code: 'rate_limit_exceeded' },
        });
      }
      if (req.method !== 'POST') {
        record(404);
        return json(res, 404, { error: { message: `unknown route ${req.method} ${req.url}`, type: 'invalid_request_error', param: null, code: null } });
      }
      if (path === '/chat/completions') {
        record(200);
        return stream ? void streamChat(res, body, id) : json(res, 200, chatCompletion(body, id));
      }
      if (path === '/responses') {
        record(200);
        return stream ? void streamResponse(res, body, id) : json(res, 200, response(body, id, 'completed'));
      }
      if (path === '/embeddings') {
        record(200);
        return json(res, 200, embeddings(body));
      }
      record(404);
      return json(res, 404, { error: { message: `unknown route ${req.method} ${req.url}`, type: 'invalid_request_error', param: null, code: null } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'openai-processing-ms': '42' });
  res.end(text);
}

function wantsTool(body: Body): boolean {
  return Array.isArray(body.tools) && body.tools.length > 0;
}

function toolName(body: Body): string {
  const [tool] = body.tools as Array<{ name?: string; function?: { name?: string } }>;
  return tool.function?.name ?? tool.name ?? 'tool';
}

const TOOL_ARGUMENTS = '{"city":"Paris"}';

function chatUsage() {
  return {
    prompt_tokens: FAKE_USAGE.input,
    completion_tokens: FAKE_USAGE.output,
    total_tokens: FAKE_USAGE.input + FAKE_USAGE.output,
    prompt_tokens_details: { cached_tokens: FAKE_USAGE.cachedInput, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: FAKE_USAGE.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function chatCompletion(body: Body, id: number) {
  const tool = wantsTool(body);
  return {
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: snapshotOf(String(body.model)),
    system_fingerprint: 'fp_fake',
    service_tier: 'default',
    choices: [
      {
        index: 0,
        message: tool
          ? { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: `call_${id}`, type: 'function', function: { name: toolName(body), arguments: TOOL_ARGUMENTS } }] }
          : { role: 'assistant', content: FAKE_ANSWER, refusal: null },
        logprobs: null,
        finish_reason: tool ? 'tool_calls' : 'stop',
      },
    ],
    usage: chatUsage(),
  };
}

async function streamChat(res: http.ServerResponse, body: Body, id: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: snapshotOf(String(body.model)), system_fingerprint: 'fp_fake' };
  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const tool = wantsTool(body);
  const send = (value: unknown): void => {
    res.write(`data: ${JSON.stringify(value)}\n\n`);
  };
  const finish = (reason: string): void => {
    send({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: reason }] });
    if (includeUsage) send({ ...base, choices: [], usage: chatUsage() });
    res.write('data: [DONE]\n\n');
    res.end();
  };
  if (tool) {
    send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: `call_${id}`, type: 'function', function: { name: toolName(body), arguments: '' } }] }, logprobs: null, finish_reason: null }] });
    await delay(CHUNK_DELAY_MS);
    send({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: TOOL_ARGUMENTS } }] }, logprobs: null, finish_reason: null }] });
    return finish('tool_calls');
  }
  send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }] });
  for (const piece of pieces(FAKE_ANSWER)) {
    await delay(CHUNK_DELAY_MS);
    send({ ...base, choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }] });
  }
  finish('stop');
}

function responseUsage() {
  return {
    input_tokens: FAKE_USAGE.input,
    input_tokens_details: { cached_tokens: FAKE_USAGE.cachedInput },
    output_tokens: FAKE_USAGE.output,
    output_tokens_details: { reasoning_tokens: FAKE_USAGE.reasoning },
    total_tokens: FAKE_USAGE.input + FAKE_USAGE.output,
  };
}

function responseOutput(body: Body, id: number) {
  if (wantsTool(body)) {
    return [{ type: 'function_call', id: `fc_${id}`, call_id: `call_${id}`, name: toolName(body), arguments: TOOL_ARGUMENTS, status: 'completed' }];
  }
  return [{ type: 'message', id: `msg_${id}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: FAKE_ANSWER, annotations: [], logprobs: [] }] }];
}

function response(body: Body, id: number, status: 'completed' | 'in_progress') {
  const done = status === 'completed';
  return {
    id: `resp_${id}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: snapshotOf(String(body.model)),
    output: done ? responseOutput(body, id) : [],
    output_text: done && !wantsTool(body) ? FAKE_ANSWER : '',
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: done ? responseUsage() : null,
    user: null,
    metadata: {},
  };
}

async function streamResponse(res: http.ServerResponse, body: Body, id: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sequenceNumber = 0;
  const send = (type: string, value: Record<string, unknown>): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequenceNumber++, ...value })}\n\n`);
  };
  send('response.created', { response: response(body, id, 'in_progress') });
  send('response.in_progress', { response: response(body, id, 'in_progress') });
  const [item] = responseOutput(body, id) as Array<Record<string, unknown>>;
  if (item.type === 'function_call') {
    send('response.output_item.added', { output_index: 0, item: { ...item, arguments: '', status: 'in_progress' } });
    send('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: TOOL_ARGUMENTS });
    send('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: TOOL_ARGUMENTS });
    send('response.output_item.done', { output_index: 0, item });
  } else {
    send('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    send('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    for (const piece of pieces(FAKE_ANSWER)) {
      await delay(CHUNK_DELAY_MS);
      send('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta: piece, logprobs: [] });
    }
    send('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text: FAKE_ANSWER, logprobs: [] });
    send('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: FAKE_ANSWER, annotations: [] } });
    send('response.output_item.done', { output_index: 0, item });
  }
  send('response.completed', { response: response(body, id, 'completed') });
  res.end();
}

function embeddings(body: Body) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const vector = [0.0023064255, -0.009327292, 0.015797347, -0.0077780345];
  // The OpenAI SDK asks for base64 unless told otherwise, and decodes float32s itself.
  const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
  return {
    object: 'list',
    data: inputs.map((_, index) => ({ object: 'embedding', index, embedding })),
    model: String(body.model),
    usage: { prompt_tokens: EMBEDDING_INPUT_TOKENS * inputs.length, total_tokens: EMBEDDING_INPUT_TOKENS * inputs.length },
  };
}

function pieces(text: string): string[] {
  return text.match(/.{1,8}/g) ?? [];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
