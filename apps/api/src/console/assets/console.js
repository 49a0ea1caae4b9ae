// Progressive enhancement for the console: live alerts over Server-Sent Events, alert actions
// without a reload, and the ledger checkpoint's Ed25519 signature checked with WebCrypto.
// Every page works without this file for reading and posting forms.
'use strict';

(function () {
  const text = (el, value) => { el.textContent = value; };

  function b64(s) {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));

  // --- Alerts -------------------------------------------------------------------------------

  function describeWho(alert) {
    let who = '';
    if (alert.acknowledgedBy) who += 'acknowledged by ' + alert.acknowledgedBy + (alert.acknowledgeNote ? ': ' + alert.acknowledgeNote : '');
    if (alert.resolvedAt) who += ' resolved ' + (alert.resolvedBy ? 'by ' + alert.resolvedBy : 'by a passing run') + (alert.resolveNote ? ': ' + alert.resolveNote : '');
    return who.trim();
  }

  function applyAlert(table, alert) {
    const row = table.querySelector('tr[data-alert-id="' + CSS.escape(alert.id) + '"]');
    const status = document.getElementById('live-status');
    if (!row) {
      if (status) text(status, 'New alert: ' + alert.summary + ' (' + alert.status + '). Reload to see it in the list.');
      return;
    }
    row.dataset.status = alert.status;
    const badge = document.createElement('span');
    badge.className = 'state ' + alert.status;
    badge.textContent = alert.status;
    row.querySelector('[data-field="status"]').replaceChildren(badge);
    text(row.querySelector('[data-field="who"]'), describeWho(alert));
    const actions = row.querySelector('[data-field="actions"]');
    if (actions) {
      if (alert.status === 'resolved') actions.replaceChildren();
      if (alert.status !== 'firing') actions.querySelectorAll('form[action$="/acknowledge"]').forEach((f) => f.remove());
    }
    row.classList.add('changed');
    if (status) text(status, 'Alert ' + alert.summary + ' is now ' + alert.status + '.');
  }

  function liveAlerts(table) {
    const source = new EventSource('/console/alerts/stream');
    const status = document.getElementById('live-status');
    for (const type of ['alert.fired', 'alert.updated', 'alert.acknowledged', 'alert.resolved']) {
      source.addEventListener(type, (event) => applyAlert(table, JSON.parse(event.data)));
    }
    source.addEventListener('open', () => { table.dataset.live = 'connected'; });
    source.addEventListener('error', () => {
      table.dataset.live = 'reconnecting';
      if (status && source.readyState === EventSource.CLOSED) text(status, 'Live updates stopped; reload the page.');
    });
    window.addEventListener('pagehide', () => source.close());

    table.addEventListener('submit', async (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.classList.contains('js-alert-action')) return;
      event.preventDefault();
      const button = form.querySelector('button');
      if (button) button.disabled = true;
      try {
        const response = await fetch(form.action, {
          method: 'POST',
          headers: { accept: 'application/json' },
          body: new URLSearchParams(new FormData(form)),
          credentials: 'same-origin',
        });
        if (!response.ok) {
          const page = await response.text();
          const reason = new DOMParser().parseFromString(page, 'text/html').querySelector('[role=alert]');
          throw new Error(reason ? reason.textContent.trim() : 'status ' + response.status);
        }
        applyAlert(table, await response.json());
      } catch (error) {
        if (status) text(status, 'The change was refused: ' + error.message);
        if (button) button.disabled = false;
      }
    });
  }

  // --- Ledger ---------------------------------------------------------------------------------

  // C2SP signed note: body, a blank line, then "— <name> <base64(4-byte key hash || signature)>" lines.
  async function verifyCheckpoint(section) {
    const verdict = document.getElementById('checkpoint-verdict');
    const note = section.dataset.note;
    const split = note.indexOf('\n\n');
    const body = new TextEncoder().encode(note.slice(0, split + 1));
    const lines = note.slice(split + 2).split('\n').filter((l) => l.startsWith('\u2014 '));
    // <name>+<8 hex key hash>+<base64(0x01 || key)>: the base64 part may hold '+' itself.
    const keys = section.dataset.vkeys.split(' ').filter(Boolean).map((vkey) => {
      const first = vkey.indexOf('+');
      const second = vkey.indexOf('+', first + 1);
      return { name: vkey.slice(0, first), hash: vkey.slice(first + 1, second), raw: b64(vkey.slice(second + 1)).slice(1) };
    });
    for (const line of lines) {
      const [, name, sig] = line.split(' ');
      const bytes = b64(sig);
      const keyHash = hex(bytes.slice(0, 4));
      const key = keys.find((k) => k.name === name && k.hash === keyHash);
      if (!key) continue;
      const publicKey = await crypto.subtle.importKey('raw', key.raw, { name: 'Ed25519' }, false, ['verify']);
      if (await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, bytes.slice(4), body)) {
        verdict.className = 'verdict verified';
        verdict.dataset.verified = 'true';
        text(verdict, 'Verified in this browser: the checkpoint is signed by published key ' + name + '+' + keyHash + ' (Ed25519, WebCrypto).');
        return;
      }
    }
    verdict.className = 'verdict invalid';
    verdict.dataset.verified = 'false';
    text(verdict, 'NOT verified: no signature of this checkpoint checks against a published key.');
  }

  // RFC 9162 §2.1.3.2: recompute the root from the leaf hash and the audit path.
  async function verifyInclusion(section) {
    const verdict = document.getElementById('inclusion-verdict');
    if (!section.dataset.root) { text(verdict, 'The proof is for a tree size other than the latest checkpoint; not checked here.'); return; }
    let fn = Number(section.dataset.index);
    let sn = Number(section.dataset.treeSize) - 1;
    let r = new Uint8Array(section.dataset.leafHash.match(/../g).map((h) => parseInt(h, 16)));
    const entry = new TextEncoder().encode(document.getElementById('entry-text').textContent);
    const leafOk = hex(await sha256(concat(new Uint8Array([0]), entry))) === section.dataset.leafHash;
    for (const p of section.dataset.proof.split(' ').filter(Boolean).map(b64)) {
      if (sn === 0) { fn = -1; break; }
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(concat(new Uint8Array([1]), p, r));
        if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
      } else {
        r = await sha256(concat(new Uint8Array([1]), r, p));
      }
      fn >>= 1; sn >>= 1;
    }
    const ok = leafOk && sn === 0 && hex(r) === hex(b64(section.dataset.root));
    verdict.className = 'verdict ' + (ok ? 'verified' : 'invalid');
    verdict.dataset.verified = String(ok);
    text(verdict, ok ? 'Verified in this browser: the entry hashes to its leaf and the proof leads to the checkpoint\u2019s root.' : 'NOT verified: the entry or its proof does not lead to the checkpoint\u2019s root.');
  }

  function fail(id, error) {
    const verdict = document.getElementById(id);
    if (!verdict) return;
    verdict.className = 'verdict invalid';
    verdict.dataset.verified = 'false';
    text(verdict, 'Could not check in this browser: ' + error.message);
  }

  // --- Reports --------------------------------------------------------------------------------

  function refreshWhileQueued() {
    const timer = setInterval(async () => {
      const response = await fetch(location.pathname, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) { clearInterval(timer); return; }
      const report = await response.json();
      if (report.status !== 'queued') { clearInterval(timer); location.reload(); }
    }, 2000);
  }

  document.addEventListener('DOMContentLoaded', () => {
    const alerts = document.querySelector('table[data-live-alerts]');
    if (alerts) liveAlerts(alerts);
    const checkpoint = document.getElementById('checkpoint');
    if (checkpoint) verifyCheckpoint(checkpoint).catch((e) => fail('checkpoint-verdict', e));
    const proof = document.getElementById('entry-proof');
    if (proof) verifyInclusion(proof).catch((e) => fail('inclusion-verdict', e));
    if (document.querySelector('[data-refresh-while-queued]')) refreshWhileQueued();
  });
})();
