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
 * The dialect of an inference span, or null for any other span. Looks only at a handful of
 * attribute keys, so non-inference spans cost a few property reads.
 *
 * An explicit `gen_ai.operation.name` decides on its own: `execute_tool` or `invoke_agent` spans
 * are not inferences even when they report tokens (their child chat spans are, and counting both
 * would double the usage). Without it, a model or provider plus token usage makes an inference.
 */
export function inferenceDialect(attributes: Attributes): Dialect | null {
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
  if (hasAny(attributes, MODEL_OR_PROVIDER_KEYS) && hasAny(attributes, TOKEN_USAGE_KEYS)) return genAiDialect(attributes);
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
