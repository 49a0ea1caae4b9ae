import { isUtf8 } from 'node:buffer';
import protobuf from 'protobufjs';

export type Reader = protobuf.Reader;

const RECURSION_LIMIT = protobuf.Reader.recursionLimit as number;
// Past this many bytes a string is checked by the native validator; shorter ones by a byte loop.
const NATIVE_UTF8_CHECK_BYTES = 64;

// These read OTLP's common messages as protobufjs's generated decoders do (same fields, wire
// types, depth limit and range checks) but build nothing: they refuse what those decoders refuse.

/** Enters a nested message of `length` bytes at depth `q`; returns the enclosing message's end. */
export function enter(r: Reader, length: number, q: number): number {
  if (q > RECURSION_LIMIT) throw Error('max depth exceeded');
  const end = r.pos + length;
  if (end > r.len) throw RangeError('index out of range');
  const outer = r.len;
  r.len = end;
  return outer;
}

export function leave(r: Reader, end: number, outer: number): void {
  if (r.pos !== end) throw RangeError('index out of range');
  r.len = outer;
}

export function checkKeyValue(r: Reader, length: number, q: number): void {
  const outer = enter(r, length, q);
  const end = r.len;
  while (r.pos < end) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (wireType === 2 && field === 1) checkString(r);
    else if (wireType === 2 && field === 2) checkAnyValue(r, r.size(), q + 1);
    else r.skipType(wireType, q, field);
  }
  leave(r, end, outer);
}

export function checkAnyValue(r: Reader, length: number, q: number): void {
  const outer = enter(r, length, q);
  const end = r.len;
  while (r.pos < end) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (wireType === 2) {
      if (field === 1) { checkString(r); continue; }
      if (field === 5) { checkList(r, r.size(), q + 1, checkAnyValue); continue; }
      if (field === 6) { checkList(r, r.size(), q + 1, checkKeyValue); continue; }
      if (field === 7) { r.bytes(); continue; }
    } else if (wireType === 0) {
      if (field === 2) { r.bool(); continue; }
      if (field === 3) { r.int64(); continue; }
    } else if (wireType === 1 && field === 4) {
      r.double();
      continue;
    }
    r.skipType(wireType, q, field);
  }
  leave(r, end, outer);
}

/** An ArrayValue or KeyValueList: `values` (field 1) of `item`. */
function checkList(r: Reader, length: number, q: number, item: (r: Reader, length: number, q: number) => void): void {
  const outer = enter(r, length, q);
  const end = r.len;
  while (r.pos < end) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (wireType === 2 && field === 1) item(r, r.size(), q + 1);
    else r.skipType(wireType, q, field);
  }
  leave(r, end, outer);
}

/** A proto3 string, checked as strictly as `stringVerify` decodes it. */
function checkString(r: Reader): void {
  const length = r.size();
  const start = r.pos;
  const end = start + length;
  if (end > r.len) throw new RangeError(`index out of range: ${start} + ${length} > ${r.len}`);
  r.pos = end;
  checkUtf8(r.buf, start, end);
}

/** Throws what protobufjs's strict UTF-8 decoding throws for bytes[start, end), if they are not UTF-8. */
export function checkUtf8(bytes: Uint8Array, start: number, end: number): void {
  if (end - start > NATIVE_UTF8_CHECK_BYTES) {
    if (!isUtf8(bytes.subarray(start, end))) protobuf.util.utf8.readStrict(bytes, start, end);
    return;
  }
  for (let i = start; i < end; i++) {
    if (bytes[i] >= 0x80) {
      protobuf.util.utf8.readStrict(bytes, i, end);
      return;
    }
  }
}
