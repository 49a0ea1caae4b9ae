import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressPolicy, WebhookClient, WebhookRefusedError, type Resolver } from '@assay/alerts';

// Names under .test never resolve publicly: this resolver stands in for an attacker's DNS.
const fakeDns: Resolver = async (hostname) => {
  const table: Record<string, string> = { 'loopback.attacker.test': '127.0.0.1', 'metadata.attacker.test': '169.254.169.254', 'mapped.attacker.test': '::ffff:127.0.0.1', 'redirector.test': '127.0.0.1' };
  const address = table[hostname];
  if (address) return [{ address, family: address.includes(':') ? 6 : 4 }];
  const { promises } = await import('node:dns');
  return promises.lookup(hostname, { all: true, verbatim: true });
};

describe(WebhookClient.name, () => {
  let target: http.Server;
  let redirector: http.Server;
  let hits = 0;
  const port = (server: http.Server): number => (server.address() as AddressInfo).port;

  before(async () => {
    target = http.createServer((_req, res) => {
      hits++;
      res.writeHead(204).end();
    });
    redirector = http.createServer((req, res) => {
      const to = req.url === '/to-localhost' ? `http://localhost:${port(target)}/` : req.url === '/chain' ? '/chain' : `http://127.0.0.1:${port(target)}/`;
      res.writeHead(307, { location: to }).end();
    });
    await Promise.all([target, redirector].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  });

  after(async () => {
    await Promise.all([target, redirector].map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  const refusing = (allow: string[] = []): WebhookClient => new WebhookClient(new AddressPolicy(allow), { timeoutMs: 2000, resolve: fakeDns });

  async function refused(sut: WebhookClient, url: string): Promise<string> {
    const before = hits;
    const error = await sut.post(url, '{}', {}).then(() => null, (e: Error) => e);
    assert.ok(error instanceof WebhookRefusedError, `${url} was not refused: ${String(error)}`);
    assert.equal(hits, before, `${url} reached the target`);
    return error.message;
  }

  it('refuses loopback, private, link-local and metadata addresses written in the URL', async () => {
    const sut = refusing();
    for (const url of [
      `http://127.0.0.1:${port(target)}/`, 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', `http://[::1]:${port(target)}/`,
      `http://[::ffff:127.0.0.1]:${port(target)}/`, 'http://0.0.0.0/', 'http://[fd00:ec2::254]/',
    ]) {
      await refused(sut, url);
    }
  });

  it('refuses names that resolve to such addresses, checking after resolution', async () => {
    const sut = refusing();
    assert.match(await refused(sut, `http://localhost:${port(target)}/`), /localhost is a loopback name \(RFC 6761\) and 127\.0\.0\.1 is a private/);
    await refused(sut, `http://loopback.attacker.test:${port(target)}/`);
    await refused(sut, 'http://metadata.attacker.test/latest/meta-data/');
    await refused(sut, `http://mapped.attacker.test:${port(target)}/`);
  });

  it('judges special-use names by the standards, without asking a resolver', async () => {
    let lookups = 0;
    const counting: Resolver = async (hostname) => {
      lookups++;
      return fakeDns(hostname);
    };
    const sut = new WebhookClient(new AddressPolicy([]), { timeoutMs: 2000, resolve: counting });
    assert.match(await refused(sut, `http://localhost.:${port(target)}/`), /^localhost\. is a loopback name/);
    assert.match(await refused(sut, `http://api.localhost:${port(target)}/`), /^api\.localhost is a loopback name/);
    assert.match(await refused(sut, 'http://hooks.invalid/'), /^hooks\.invalid: names under \.invalid never resolve \(RFC 6761\)$/);
    assert.match(await refused(sut, 'http://x.onion/'), /RFC 7686/);
    assert.equal(lookups, 0);

    const before = hits;
    const allowed = new WebhookClient(new AddressPolicy(['localhost', '*.localhost']), { timeoutMs: 2000, resolve: counting });
    assert.equal((await allowed.post(`http://localhost.:${port(target)}/`, '{}', {})).statusCode, 204);
    assert.equal((await allowed.post(`http://api.localhost:${port(target)}/`, '{}', {})).statusCode, 204);
    assert.equal((await new WebhookClient(new AddressPolicy(['127.0.0.1', '::1']), { timeoutMs: 2000, resolve: counting }).post(`http://localhost.:${port(target)}/`, '{}', {})).statusCode, 204);
    assert.equal(hits, before + 3);
    assert.equal(lookups, 0);
  });

  it('checks every redirect again: a redirect from an allowed host to loopback is refused', async () => {
    const sut = refusing(['redirector.test']);
    assert.match(await refused(sut, `http://redirector.test:${port(redirector)}/to-loopback`), /127\.0\.0\.1/);
    await refused(sut, `http://redirector.test:${port(redirector)}/to-localhost`);
    assert.match(await refused(sut, `http://redirector.test:${port(redirector)}/chain`), /more than 3 redirects/);
  });

  it('reaches the same destinations when the allow-list names them', async () => {
    const before = hits;
    const allowLoopback = refusing(['127.0.0.1', '::1', 'redirector.test']);
    assert.equal((await allowLoopback.post(`http://127.0.0.1:${port(target)}/`, '{}', {})).statusCode, 204);
    assert.equal((await allowLoopback.post(`http://loopback.attacker.test:${port(target)}/`, '{}', {})).statusCode, 204);
    assert.equal((await allowLoopback.post(`http://redirector.test:${port(redirector)}/to-loopback`, '{}', {})).statusCode, 204);
    assert.equal((await refusing(['127.0.0.0/8']).post(`http://127.0.0.1:${port(target)}/`, '{}', {})).statusCode, 204);
    assert.equal(hits, before + 4);
  });

  it('gives up on a receiver slower than the timeout', async () => {
    const slow = http.createServer(() => undefined);
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const sut = new WebhookClient(new AddressPolicy(['127.0.0.1']), { timeoutMs: 300 });
    const started = Date.now();
    await assert.rejects(sut.post(`http://127.0.0.1:${port(slow)}/`, '{}', {}), /timed out after 300 ms/);
    assert.ok(Date.now() - started < 2000);
    slow.closeAllConnections();
    await new Promise<void>((r) => slow.close(() => r()));
  });
});
