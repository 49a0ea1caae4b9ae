import type { Attributes, AttrValue } from './trace-request.js';

export function readString(attributes: Attributes, key: string): string | null {
  const value = attributes[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** Numbers, and strings holding a number (some SDKs send counts as strings). */
export function readNumber(attributes: Attributes, key: string): number | null {
  return toNumber(attributes[key]);
}

export function toNumber(value: AttrValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

export function readStringArray(attributes: Attributes, key: string): string[] | null {
  const value = attributes[key];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string') return [value];
  return null;
}

export function firstString(attributes: Attributes, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = readString(attributes, key);
    if (value !== null) return value;
  }
  return null;
}

export function firstNumber(attributes: Attributes, keys: readonly string[]): number | null {
  for (const key of keys) {
    const value = readNumber(attributes, key);
    if (value !== null) return value;
  }
  return null;
}

/** Own properties only, so keys such as `constructor` from match rules read nothing. */
export function ownAttribute(attributes: Attributes, key: string): AttrValue | undefined {
  return Object.hasOwn(attributes, key) ? attributes[key] : undefined;
}

/** Assigns without letting a `__proto__` key replace the record's prototype. */
export function setAttribute(attributes: Attributes, key: string, value: AttrValue): void {
  if (key === '__proto__') Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  else attributes[key] = value;
}
