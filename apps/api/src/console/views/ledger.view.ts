import type { CheckpointDto, LedgerEntryDto } from '../../ledger/ledger.dto.js';
import type { SigningKeyDto } from '../../signing-keys/signing-key.dto.js';
import { page, type PageContext } from './layout.js';
import { html, num, type Html } from './html.js';

export function ledgerView(context: PageContext, checkpoint: CheckpointDto | null, keys: SigningKeyDto[], entry: LedgerEntryDto | null, entryIndex: string | undefined): Html {
  const checkpointSection = checkpoint
    ? html`<section id="checkpoint" data-note="${checkpoint.note}" data-vkeys="${keys.map((k) => k.noteVerifierKey).join(' ')}" aria-labelledby="cp-h">
<h2 id="cp-h">Latest signed checkpoint</h2>
<dl class="summary"><div><dt>tree size</dt><dd>${num(checkpoint.treeSize)}</dd></div><div><dt>root hash</dt><dd><code>${checkpoint.rootHash}</code></dd></div></dl>
<pre class="note">${checkpoint.note}</pre>
<p id="checkpoint-verdict" class="verdict unchecked" role="status">Signature not checked: checking it in the browser needs JavaScript (WebCrypto Ed25519). Offline: <code>assay verify ledger</code>.</p>
</section>`
    : html`<p class="muted">No checkpoint signed yet.</p>`;
  return page(
    context,
    'Ledger',
    html`<p>Every verdict, baseline, alert change, gate decision and report is an entry of an append-only Merkle log (RFC 9162); signed checkpoints commit to its state.</p>
${checkpointSection}
<h2>Published keys</h2>
<table><thead><tr><th scope="col">key id</th><th scope="col">verifier key (signed note)</th><th scope="col">since</th><th scope="col">retired</th></tr></thead>
<tbody>${keys.map((k) => html`<tr><td><code>${k.keyId}</code></td><td><code>${k.noteVerifierKey}</code></td><td>${k.createdAt}</td><td>${k.retiredAt ?? '—'}</td></tr>`)}</tbody></table>
<h2>An entry and its inclusion proof</h2>
<form method="get" class="inline"><label for="entry">Entry index</label> <input id="entry" name="entry" inputmode="numeric" pattern="[0-9]+" value="${entryIndex ?? ''}" required> <button type="submit">Show</button></form>
${entry ? entryView(entry, checkpoint) : ''}`,
  );
}

function entryView(entry: LedgerEntryDto, checkpoint: CheckpointDto | null): Html {
  return html`<section id="entry-proof" data-leaf-hash="${entry.leafHash}" data-index="${entry.index}" data-tree-size="${entry.treeSize}" data-root="${checkpoint && checkpoint.treeSize === entry.treeSize ? checkpoint.rootHash : ''}" data-proof="${entry.inclusionProof.join(' ')}">
<dl class="summary"><div><dt>index</dt><dd>${entry.index}</dd></div><div><dt>kind</dt><dd>${entry.kind}</dd></div><div><dt>tree size of the proof</dt><dd>${num(entry.treeSize)}</dd></div></dl>
<p>Leaf hash <code>${entry.leafHash}</code></p>
<pre class="note" id="entry-text">${entry.entry}</pre>
<p>Inclusion proof (RFC 9162 audit path, leaf side first):</p>
<ol class="mono">${entry.inclusionProof.map((p) => html`<li><code>${p}</code></li>`)}</ol>
<p id="inclusion-verdict" class="verdict unchecked" role="status">Inclusion not checked: that needs JavaScript (WebCrypto SHA-256).</p>
</section>`;
}
