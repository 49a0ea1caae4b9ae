import protobuf from 'protobufjs';
import { REPLACEMENT_CHARACTER } from './safe-text.js';

const { utf8 } = protobuf.util;

/**
 * protobufjs's Buffer reader, whose strings come with U+0000 replaced by U+FFFD (see `safeText`).
 * proto3 strings are decoded strictly (invalid UTF-8, encoded surrogates included, fails the
 * decode), so NUL is the one unsafe character left; it is looked for in the bytes about to be
 * decoded, which is cheaper than scanning each decoded string (protobufjs builds short strings by
 * concatenation, and searching one first flattens it: measured about 15% of a decode).
 */
export class NulSafeReader extends protobuf.BufferReader {
  constructor(body: Uint8Array) {
    super(Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.length));
  }

  override stringVerify(): string {
    return this.read(true);
  }

  override string(): string {
    return this.read(false);
  }

  private read(strict: boolean): string {
    const length = this.size();
    const start = this.pos;
    const end = start + length;
    if (end > this.len) throw new RangeError(`index out of range: ${start} + ${length} > ${this.len}`);
    this.pos = end;
    const bytes = this.buf;
    let i = start;
    while (i < end && bytes[i] !== 0) i++;
    const text = strict ? utf8.readStrict(bytes, start, end) : utf8.read(bytes, start, end);
    return i === end ? text : text.replaceAll('\u0000', REPLACEMENT_CHARACTER);
  }
}
