import type { Dialect } from './inference-record.js';
import type { Attributes } from './trace-request.js';

const INFERENCE_OPERATIONS: ReadonlySet<string> = new Set(['chat', 'generate_content', 'text_completion', 'embeddings']);
const OPENINFERENCE_INFERENCE_KINDS: ReadonlySet<string> = new Set(['LLM', 'EMBEDDING']);
const MODEL_OR_PROVIDER_KEYS = ['gen_ai.request.model', 'gen_ai.system', 'gen_ai.provider.name'];
const TOKEN_USAGE_KEYS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
];
const LEGACY_KEYS = ['gen_ai.system', 'gen_ai.usage.prompt_tokens', 'gen_ai.usage.completion_tokens'];
/**
 * The AI SDK's provider calls. Their parents (`ai.generateText`, `ai.embed`…) wrap the same call,
 * and a tool-using `ai.generateText` wraps several: only these are inferences.
 */
export const AI_SDK_OPERATIONS: Readonly<Record<string, string>> = {
  'ai.generateText.doGenerate': 'chat',
  'ai.streamText.doStream': 'chat',
  'ai.generateObject.doGenerate': 'chat',
  'ai.streamObject.doStream': 'chat',
  'ai.embed.doEmbed': 'embeddings',
  'ai.embedMany.doEmbed': 'embeddings',
};

/**
 * The dialect of an inference span, or null for any other span. Looks only at a handful of
 * attribute keys, so non-inference spans cost a few property reads.
 *
 * An explicit `gen_ai.operation.name` decides on its own: `execute_tool` or `invoke_agent` spans
 * are not inferences even when they report tokens (their child chat spans are, and counting both
 * would double the usage). Without it, a model or provider plus token usage (or a failed status)
 * makes an inference. AI SDK spans are told by `ai.operationId`.
 */
export function inferenceDialect(attributes: Attributes, failed = false): Dialect | null {
  const aiOperation = attributes['ai.operationId'];
  if (aiOperation !== undefined) {
    return typeof aiOperation === 'string' && Object.hasOwn(AI_SDK_OPERATIONS, aiOperation) ? 'aisdk' : null;
  }
  const operation = attributes['gen_ai.operation.name'];
  if (operation !== undefined) {
    if (typeof operation !== 'string' || !INFERENCE_OPERATIONS.has(operation)) return null;
    return genAiDialect(attributes);
  }
  const openInferenceKind = attributes['openinference.span.kind'];
  if (openInferenceKind !== undefined) {
    return typeof openInferenceKind === 'string' && OPENINFERENCE_INFERENCE_KINDS.has(openInferenceKind.toUpperCase())
      ? 'openinference'
      : null;
  }
  // A failed call reports no usage; its model and provider are enough to count it as an error sample.
  if (hasAny(attributes, MODEL_OR_PROVIDER_KEYS) && (failed || hasAny(attributes, TOKEN_USAGE_KEYS))) return genAiDialect(attributes);
  return null;
}

function genAiDialect(attributes: Attributes): Dialect {
  if (attributes['gen_ai.provider.name'] !== undefined) return 'genai';
  return hasAny(attributes, LEGACY_KEYS) ? 'genai_legacy' : 'genai';
}

function hasAny(attributes: Attributes, keys: readonly string[]): boolean {
  for (const key of keys) if (attributes[key] !== undefined) return true;
  return false;
}
