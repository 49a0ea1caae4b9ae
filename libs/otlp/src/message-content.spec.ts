import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { genAiMessagesContent, indexedText, legacyMessageText } from './message-content.js';

describe(genAiMessagesContent.name, () => {
  it('joins the text parts of every message and skips tool calls', () => {
    const messages = JSON.stringify([
      { role: 'assistant', parts: [{ type: 'text', content: 'one' }, { type: 'tool_call', name: 'f', arguments: {} }] },
      { role: 'assistant', parts: [{ type: 'text', content: 'two' }], finish_reason: 'stop' },
    ]);
    assert.deepEqual(genAiMessagesContent(messages), { text: 'one\ntwo', finishReasons: ['stop'] });
  });

  it('reads structured (non-string) attribute values', () => {
    assert.equal(genAiMessagesContent([{ role: 'assistant', parts: [{ type: 'text', content: 'hi' }] }]).text, 'hi');
  });

  it('takes a value that is not JSON, such as one cut by the size cap, as the text', () => {
    assert.equal(genAiMessagesContent('[{"role":"assistant","parts":[{"type":"te').text, '[{"role":"assistant","parts":[{"type":"te');
  });

  it('is null without text parts', () => {
    assert.equal(genAiMessagesContent('[{"role":"assistant","parts":[]}]').text, null);
  });
});

describe(legacyMessageText.name, () => {
  it('reads the content of a JSON message', () => {
    assert.equal(legacyMessageText('{"role":"assistant","content":"hello"}'), 'hello');
  });

  it('takes plain text as it is', () => {
    assert.equal(legacyMessageText('hello'), 'hello');
  });
});

describe(indexedText.name, () => {
  it('joins indexed attributes until the first gap', () => {
    const attributes = { 'p.0.content': 'a', 'p.1.content': 'b', 'p.3.content': 'd' };
    assert.equal(indexedText(attributes, 'p', 'content'), 'a\nb');
  });
});
