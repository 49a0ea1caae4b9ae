import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, newWebhookId, signWebhook, webhookHeaders } from './webhook-signature.js';

describe(signWebhook.name, () => {
  it('reproduces the Standard Webhooks test vector', () => {
    const sut = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    assert.equal(sut, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('produces headers the reference receiver accepts, and it rejects a changed body', () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: 'alert.firing', timestamp: new Date().toISOString(), data: { n: 1 } });
    const headers = webhookHeaders(secret, newWebhookId(), Math.floor(Date.now() / 1000), body);
    const receiver = new Webhook(secret);
    assert.deepEqual(receiver.verify(body, headers), JSON.parse(body));
    assert.throws(() => receiver.verify(body.replace('1', '2'), headers));
  });
});

describe(generateWebhookSecret.name, () => {
  it('encodes 32 random bytes after whsec_', () => {
    const sut = generateWebhookSecret();
    assert.match(sut, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.equal(Buffer.from(sut.slice(6), 'base64').length, 32);
    assert.notEqual(sut, generateWebhookSecret());
  });
});
