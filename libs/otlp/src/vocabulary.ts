/**
 * The instrumentations name one provider, one finish reason and one model in several ways; these
 * map them onto the GenAI semantic conventions' values, so a policy or a price written once holds
 * for every client.
 */
import { safeText } from './safe-text.js';

// `gen_ai.provider.name` well-known values, keyed by the spellings the clients use (lower case).
const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'aws.bedrock': 'aws.bedrock',
  aws_bedrock: 'aws.bedrock',
  'amazon-bedrock': 'aws.bedrock',
  amazon_bedrock: 'aws.bedrock',
  bedrock: 'aws.bedrock',
  aws: 'aws.bedrock',
  'azure.ai.openai': 'azure.ai.openai',
  'az.ai.openai': 'azure.ai.openai',
  'azure-openai': 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  azure: 'azure.ai.openai',
  'azure.ai.inference': 'azure.ai.inference',
  'az.ai.inference': 'azure.ai.inference',
  'gcp.vertex_ai': 'gcp.vertex_ai',
  vertex_ai: 'gcp.vertex_ai',
  vertexai: 'gcp.vertex_ai',
  'google.vertex': 'gcp.vertex_ai',
  'google-vertex': 'gcp.vertex_ai',
  'gcp.gemini': 'gcp.gemini',
  gemini: 'gcp.gemini',
  google: 'gcp.gemini',
  'google.generative-ai': 'gcp.gemini',
  'google.generative_ai': 'gcp.gemini',
  google_genai: 'gcp.gemini',
  'gcp.gen_ai': 'gcp.gen_ai',
  cohere: 'cohere',
  deepseek: 'deepseek',
  groq: 'groq',
  'ibm.watsonx.ai': 'ibm.watsonx.ai',
  watsonx: 'ibm.watsonx.ai',
  mistral: 'mistral_ai',
  mistralai: 'mistral_ai',
  mistral_ai: 'mistral_ai',
  perplexity: 'perplexity',
  xai: 'x_ai',
  x_ai: 'x_ai',
};

/**
 * A provider name as the conventions spell it. AI SDK providers arrive as `<provider>.<api>`
 * (`openai.chat`, `openai.responses`, `google.vertex.chat`): the longest known prefix wins. An
 * unknown name is kept, in lower case.
 */
export function normaliseProvider(name: string): string {
  const lower = name.trim().toLowerCase();
  const known = PROVIDER_ALIASES[lower];
  if (known !== undefined) return known;
  let end = lower.lastIndexOf('.');
  while (end > 0) {
    const prefix = PROVIDER_ALIASES[lower.slice(0, end)];
    if (prefix !== undefined) return prefix;
    end = lower.lastIndexOf('.', end - 1);
  }
  return lower;
}

const FINISH_REASON_ALIASES: Readonly<Record<string, string>> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  completed: 'stop',
  finish_reason_stop: 'stop',
  length: 'length',
  max_tokens: 'length',
  max_output_tokens: 'length',
  model_length: 'length',
  content_filter: 'content_filter',
  safety: 'content_filter',
  refusal: 'content_filter',
  recitation: 'content_filter',
  blocklist: 'content_filter',
  prohibited_content: 'content_filter',
  spii: 'content_filter',
  guardrail_intervened: 'content_filter',
  tool_call: 'tool_call',
  tool_calls: 'tool_call',
  tool_use: 'tool_call',
  function_call: 'tool_call',
  error: 'error',
};

/**
 * A finish reason in the conventions' set (`stop`, `length`, `content_filter`, `tool_call`,
 * `error`): `tool-calls`, `tool_calls`, `TOOL_CALL`, `end_turn`, `MAX_TOKENS`… An unknown reason
 * is kept, in lower case with `_` for `-`.
 */
export function normaliseFinishReason(reason: string): string {
  // Also reached by reasons parsed out of JSON-string attributes, whose escapes decoding did not see.
  const key = safeText(reason).trim().toLowerCase().replaceAll('-', '_');
  return FINISH_REASON_ALIASES[key] ?? key;
}

const SNAPSHOT_SUFFIXES = [
  /@[\w.-]+$/, // Vertex: claude-3-5-sonnet@20240620
  /-v\d+(:\d+)?$/, // Bedrock: anthropic.claude-3-haiku-20240307-v1:0
  /-\d{4}-\d{2}-\d{2}$/, // gpt-4o-mini-2024-07-18
  /-\d{8}$/, // claude-3-5-sonnet-20241022
];

/**
 * The model name without its snapshot suffix (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`,
 * `anthropic.claude-3-haiku-20240307-v1:0` → `anthropic.claude-3-haiku`), or the name itself.
 */
export function modelBaseName(name: string): string {
  let base = name;
  for (;;) {
    let stripped = base;
    for (const suffix of SNAPSHOT_SUFFIXES) stripped = stripped.replace(suffix, '');
    if (stripped === base || stripped.length === 0) return base;
    base = stripped;
  }
}

/**
 * The names a span's model is known by, most specific intent first: what the application asked
 * for, what the provider answered with, then each without its snapshot suffix. Matching, pricing
 * and auto-registration try them in this order.
 */
export function modelNameCandidates(requestModel: string | null, responseModel: string | null): string[] {
  const names: string[] = [];
  for (const name of [requestModel, responseModel]) if (name !== null && name !== '' && !names.includes(name)) names.push(name);
  for (const name of [requestModel, responseModel]) {
    if (name === null) continue;
    const base = modelBaseName(name);
    if (base !== '' && !names.includes(base)) names.push(base);
  }
  return names;
}
