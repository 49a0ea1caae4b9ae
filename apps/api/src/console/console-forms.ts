import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { badInput } from '@assay/common';
import { CSRF_FIELD } from './console-session.guard.js';

function messagesOf(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => `${prefix}${m}`),
    ...messagesOf(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

/**
 * A form or query checked by the API's own DTO, so the console accepts exactly what the REST API
 * does; empty fields count as left out, as a browser sends every field of a form.
 */
export function validated<T extends object>(dto: new () => T, fields: unknown): T {
  const plain: Record<string, unknown> = {};
  for (const [name, value] of Object.entries((fields ?? {}) as Record<string, unknown>)) {
    if (name === CSRF_FIELD || value === '') continue;
    if (typeof value !== 'string') throw badInput(`the field "${name}" was sent more than once`);
    plain[name] = value;
  }
  const instance = plainToInstance(dto, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw badInput(messagesOf(errors).join('; '));
  return instance;
}
