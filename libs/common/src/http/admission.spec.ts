import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Admission, AdmissionTicket, BodyBudget, isRefusal, type AdmissionRefusal } from './admission.js';

function admitted(outcome: AdmissionTicket | AdmissionRefusal): AdmissionTicket {
  assert.ok(!isRefusal(outcome), `refused: ${isRefusal(outcome) ? outcome.message : ''}`);
  return outcome;
}

describe(Admission.name, () => {
  it('refuses a key at its share of requests with 429 while another key is admitted', () => {
    const sut = new Admission('api', new BodyBudget(1 << 20), { maxInFlight: 8, keySharePercent: 25 });
    const held = [admitted(sut.admit('a', 10)), admitted(sut.admit('a', 10))];
    const refused = sut.admit('a', 10);
    assert.ok(isRefusal(refused));
    assert.deepEqual([refused.status, refused.retryAfterSeconds], [429, 1]);
    assert.match(refused.message, /already has 2 requests in flight, its share of 8/);
    admitted(sut.admit('b', 10));
    held[0].release();
    held[0].release();
    admitted(sut.admit('a', 10));
  });

  it('refuses past the process limit of requests whatever the key', () => {
    const sut = new Admission('api', new BodyBudget(1 << 20), { maxInFlight: 2, keySharePercent: 100 });
    admitted(sut.admit('a', 0));
    admitted(sut.admit('b', 0));
    const refused = sut.admit('c', 0);
    assert.ok(isRefusal(refused) && refused.status === 429 && /too many requests in flight \(2\)/.test(refused.message));
  });

  it("refuses a key past its share of the budget's bytes with 429, and the process past the budget with 503", () => {
    const budget = new BodyBudget(1000);
    const sut = new Admission('api', budget, { maxInFlight: 100, keySharePercent: 50 });
    admitted(sut.admit('a', 400));
    const overShare = sut.admit('a', 200);
    assert.ok(isRefusal(overShare) && overShare.status === 429);
    admitted(sut.admit('b', 450));
    const overBudget = sut.admit('c', 200);
    assert.ok(isRefusal(overBudget) && overBudget.status === 503);
    assert.equal(budget.inUse, 850);
  });

  it('lets one request through alone even when it is larger than the budget', () => {
    const budget = new BodyBudget(100);
    const sut = new Admission('api', budget, { maxInFlight: 10, keySharePercent: 10 });
    const alone = admitted(sut.admit('a', 5000));
    assert.ok(isRefusal(sut.admit('b', 1)));
    alone.release();
    assert.equal(budget.inUse, 0);
  });

  it('grows a ticket while its body arrives, within the room it reports, and gives every byte back', () => {
    const budget = new BodyBudget(1000);
    const sut = new Admission('api', budget, { maxInFlight: 10, keySharePercent: 100 });
    const other = admitted(sut.admit('b', 300));
    const ticket = admitted(sut.admit('a', 100));
    assert.equal(ticket.room, 600);
    assert.equal(ticket.hold(600), null);
    assert.equal(ticket.hold(1)?.status, 503);
    assert.equal(ticket.heldBytes, 700);
    ticket.release();
    other.release();
    assert.equal(budget.inUse, 0);
  });

  it('shares one budget between the apps of a process', () => {
    const budget = new BodyBudget(1000);
    const api = new Admission('api', budget, { maxInFlight: 10, keySharePercent: 100 });
    const ingest = new Admission('ingest', budget, { maxInFlight: 10, keySharePercent: 100 });
    admitted(api.admit('a', 900));
    const refused = ingest.admit('a', 200);
    assert.ok(isRefusal(refused) && refused.status === 503);
  });
});
