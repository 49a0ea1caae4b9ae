import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { ConfigError, loadConfig, type AppConfig } from '@assay/config';
import { removeEmbeddedPostgres } from '@assay/db';
import { createRootLogger, startAssay, type AppFactory, type AppName, type RunningAssay } from '@assay/common';
import { openStatement, parseCheckpoint, verifyCheckpoint, verifyConsistency, type DsseEnvelope } from '@assay/provenance';
import { GenAiTraffic } from '../traffic/genai-traffic.js';
import { verifyReport } from '../verify/report-verify.js';
import { DemoClient, until } from './demo-client.js';
import { DEMO_MODEL, DEMO_PRICE, demoShapes, evaluationSet } from './demo-traffic.js';
import { DEMO_DEFAULT_HOST, reachableHost, settleChecks, summaryText, type AdminKeySource } from './demo-summary.js';
import { Progress } from './progress.js';
import { WebhookReceiver } from './webhook-receiver.js';

export interface DemoOptions {
  serve: boolean;
  /** Start on an empty embedded PostgreSQL: earlier demo runs' projects, checks and ledger are removed. */
  reset?: boolean;
  /** Address the apps listen on; default ASSAY_HOST, else 127.0.0.1, since the demo prints live keys. */
  host?: string;
  factories: Record<AppName, AppFactory>;
  env?: NodeJS.ProcessEnv;
  out?: NodeJS.WritableStream;
}

export interface DemoOutcome {
  running: RunningAssay;
  urls: { api: string; console: string; docs: string; ingest: string; report: string };
  steps: Record<string, unknown>;
}

interface Checkpoint {
  treeSize: number;
  rootHash: string;
  note: string;
}

interface CheckRun {
  monitorId: string;
  verdict: string;
  signal: string | null;
  nCurrent: number;
  windowTo: string;
  reason: string;
  pValue: number | null;
  statistic: number | null;
}

const BASELINE_SPANS = 600;
const SHIFTED_SPANS = 400;
const WINDOW = { type: 'count', samples: 300 } as const;

// The demo keeps its own data directory, database and queue prefix, so it never touches the data or
// the bootstrap key of an Assay started with `npm start`.
function demoEnvironment(base: NodeJS.ProcessEnv, host: string | undefined): { env: NodeJS.ProcessEnv; adminKey: AdminKeySource } {
  const env: NodeJS.ProcessEnv = { ...base };
  env.ASSAY_HOST = host ?? (env.ASSAY_HOST || DEMO_DEFAULT_HOST);
  env.ASSAY_DATA_DIR ??= path.resolve('.assay', 'demo');
  env.ASSAY_EMBEDDED_PG_PORT ??= '54331';
  env.ASSAY_QUEUE_PREFIX ??= 'assay-demo';
  env.ASSAY_WEBHOOK_ALLOW ??= '127.0.0.1';
  env.ASSAY_CHECKPOINT_INTERVAL_MS ??= '1000';
  env.ASSAY_LOG_LEVEL ??= 'info';
  if (env.ASSAY_ADMIN_KEY) return { env, adminKey: { from: 'environment' } };
  const file = path.join(env.ASSAY_DATA_DIR, 'demo-admin-key');
  fs.mkdirSync(env.ASSAY_DATA_DIR, { recursive: true, mode: 0o755 });
  if (!fs.existsSync(file)) fs.writeFileSync(file, `assay_admin_demo_${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  env.ASSAY_ADMIN_KEY = fs.readFileSync(file, 'utf8').trim();
  return { env, adminKey: { from: 'file', file } };
}

async function resetDemoDatabase(config: AppConfig, out: NodeJS.WritableStream): Promise<void> {
  if (config.database.url) {
    throw new Error('--reset removes the demo\'s embedded PostgreSQL; with DATABASE_URL set, drop and recreate that database yourself');
  }
  const { removed } = await removeEmbeddedPostgres(config.dataDir, config.database.embeddedPort);
  out.write(removed ? `Reset: removed the demo's database ${removed}\n` : 'Reset: the demo had no database yet\n');
}

export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const out = options.out ?? process.stdout;
  const { env, adminKey } = demoEnvironment(options.env ?? process.env, options.host);
  let config: AppConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(error.message);
    throw error;
  }
  const logFile = path.join(config.dataDir, 'assay-demo.log');
  // Written synchronously, so the log is complete whenever the demo stops.
  const logger = createRootLogger(config.log.level, pino.destination({ dest: logFile, append: true, mkdir: true, sync: true }));
  const progress = new Progress(out, 15);
  const steps: Record<string, unknown> = {};
  const receiver = new WebhookReceiver();
  const shapes = demoShapes(20261128);

  out.write(`\nAssay demo — logs in ${logFile}\n\n`);
  if (options.reset) await resetDemoDatabase(config, out);
  const host = reachableHost(config.http.host);
  const running = await progress.step(
    config.database.url ? 'Starting Assay on DATABASE_URL' : 'Starting Assay on an embedded PostgreSQL and local Redis',
    () => startAssay(options.factories, config, logger, { announce: () => undefined }),
    (r) => `API http://${host}:${r.ports.api}, OTLP ingest http://${host}:${r.ports.ingest}, worker http://${host}:${r.ports.worker}`,
  );
  const apiUrl = `http://${host}:${running.ports.api}`;
  const ingestUrl = `http://${host}:${running.ports.ingest}`;
  const api = new DemoClient(apiUrl);
  const admin = config.auth.adminKey!;
  let traffic: GenAiTraffic | null = null;
  let ownerKey: string | null = null;
  const checks = { monitors: [] as string[], policies: [] as string[] };
  try {
    const hookUrl = await progress.step('Webhook receiver on loopback (Standard Webhooks verification)', () => receiver.start(), (url) => url);

    const setup = await progress.step('Project, API keys, model with versions v1 (production) and v2 (candidate), prices', async () => {
      const project = await api.post<{ id: string; name: string }>('/v1/projects', admin, { name: `demo-${new Date().toISOString().replace(/[:.]/g, '-')}` });
      const key = async (role: string): Promise<string> =>
        (await api.post<{ key: string }>('/v1/keys', admin, { projectId: project.id, role, name: `demo ${role}` })).key;
      const keys = { owner: await key('owner'), ci: await key('ci'), auditor: await key('auditor'), ingest: await key('ingest') };
      await api.post('/v1/models', keys.owner, {
        name: DEMO_MODEL,
        owner: 'ml-platform@example.com',
        riskTier: 'high',
        description: 'Customer-support answers with retrieval',
        energy: { whPerThousandTokens: 0.3, gCo2ePerWh: 0.4 },
      });
      await api.post(`/v1/models/${DEMO_MODEL}/versions`, keys.owner, { version: 'v1', lifecycle: 'production' });
      await api.post(`/v1/models/${DEMO_MODEL}/versions`, keys.owner, { version: 'v2' });
      await api.put('/v1/prices', keys.owner, {
        prices: [{ provider: 'openai', model: DEMO_MODEL, ...DEMO_PRICE }],
      });
      const subscription = await api.post<{ id: string; secret: string }>('/v1/subscriptions', keys.owner, {
        name: 'ml-oncall (demo receiver)',
        url: hookUrl,
        models: [DEMO_MODEL],
        groupWaitSeconds: 1,
        groupIntervalSeconds: 10,
        repeatIntervalSeconds: 3600,
      });
      receiver.setSecret(subscription.secret);
      return { project, keys, subscription };
    }, (s) => `project ${s.project.name}; webhook subscription ${s.subscription.id} (whsec_ secret shown once, kept by the receiver)`);
    const { keys } = setup;
    ownerKey = keys.owner;
    const firstCheckpoint = await until('a first signed checkpoint', () => api.get<Checkpoint>('/v1/ledger/checkpoint', keys.auditor).catch(() => null), 15_000);

    traffic = new GenAiTraffic(ingestUrl, keys.ingest, { serviceName: 'support-app' });
    const sampled = async (): Promise<number> => (await api.get<{ sampled: number }>(`/v1/models/${DEMO_MODEL}/samples?limit=1`, keys.owner)).sampled;
    const trafficStart = new Date(Date.now() - 60_000);
    await progress.step(`v1 traffic: ${BASELINE_SPANS} chat spans through the OpenTelemetry SDK's OTLP exporter`, async () => {
      traffic!.emit(shapes.normal('v1'), BASELINE_SPANS);
      await traffic!.flush();
      return until('the spans to be sampled', async () => ((await sampled()) >= BASELINE_SPANS ? sampled() : null), 30_000);
    }, (n) => `${n} samples stored with latency, tokens, cost, finish reason, faithfulness, energy and CO2e`);

    const baseline = await progress.step('Baseline captured from v1 traffic (frozen, digested, in the ledger)', () =>
      api.post<{ id: string; sampleCount: number; digest: string; ledgerIndex: number }>(`/v1/models/${DEMO_MODEL}/baselines`, keys.owner, {
        version: 'v1',
        from: trafficStart.toISOString(),
        to: new Date(Date.now() + 1000).toISOString(),
        description: 'demo: normal week',
      }),
    (b) => `${b.sampleCount} samples, digest ${b.digest.slice(0, 16)}…, ledger index ${b.ledgerIndex}`);
    steps.baseline = baseline;

    const monitorIds = await progress.step('Drift monitors and policies, checked every 2 s by the worker', async () => {
      const ids: Record<string, string> = {};
      const monitors: Array<[string, string]> = [
        ['output_tokens', 'ks'], ['input_tokens', 'ks'], ['eval.faithfulness.score', 'ks'], ['cost_usd', 'ks'], ['finish_reason', 'chi2'],
      ];
      for (const [signal, method] of monitors) {
        const created = await api.post<{ id: string }>(`/v1/models/${DEMO_MODEL}/monitors`, keys.owner, {
          name: signal, signal, method, window: WINDOW, minSamples: 100, scheduleSeconds: 2, severity: signal === 'input_tokens' ? 'info' : 'critical',
        });
        ids[signal] = created.id;
        checks.monitors.push(created.id);
      }
      const policies: Array<[string, string]> = [
        ['latency p95', 'p95(latency_ms) <= 1500'],
        ['content filter rate', 'rate(finish_reason == "content_filter") < 0.02'],
        ['faithfulness', 'mean(eval.faithfulness.score) >= 0.8'],
        ['cost', 'mean(cost_usd) <= 1.2 * baseline.mean(cost_usd)'],
      ];
      for (const [name, rule] of policies) {
        const created = await api.post<{ id: string }>(`/v1/models/${DEMO_MODEL}/policies`, keys.owner, {
          name, rule, window: WINDOW, minSamples: 100, scheduleSeconds: 2, severity: 'critical',
        });
        ids[name] = created.id;
        checks.policies.push(created.id);
      }
      return ids;
    }, (ids) => `${Object.keys(ids).length} checks: ${Object.keys(ids).join(', ')}`);

    const latestRuns = async (since: Date): Promise<Map<string, CheckRun>> => {
      const runs = await api.get<{ items: CheckRun[] }>(`/v1/check-runs?model=${DEMO_MODEL}&from=${since.toISOString()}&limit=200`, keys.auditor);
      const latest = new Map<string, CheckRun>();
      for (const run of runs.items) if (!latest.has(run.monitorId) && run.nCurrent >= 100) latest.set(run.monitorId, run);
      return latest;
    };
    const calmSince = new Date();
    await progress.step('Normal traffic passes every check', () =>
      until('a passing run of every check', async () => {
        const latest = await latestRuns(calmSince);
        return latest.size === Object.keys(monitorIds).length && [...latest.values()].every((r) => r.verdict === 'ok') ? latest : null;
      }, 30_000),
    () => 'all checks ok against the baseline');

    const shiftedAt = await progress.step(`Behaviour shifts: ${SHIFTED_SPANS} spans with longer outputs, more content_filter, lower faithfulness, higher cost`, async () => {
      const before = await sampled();
      traffic!.emit(shapes.shifted('v1'), SHIFTED_SPANS);
      await traffic!.flush();
      await until('the shifted spans', async () => (await sampled()) >= before + SHIFTED_SPANS, 30_000);
      return new Date();
    });

    const drifted = await progress.step('Drift and policy breaches detected by the scheduled checks', () =>
      until('drift on the shifted signals', async () => {
        const latest = await latestRuns(shiftedAt);
        const failing = [...latest.entries()].filter(([, r]) => r.verdict === 'drift' || r.verdict === 'breach');
        const names = Object.fromEntries(Object.entries(monitorIds).map(([name, id]) => [id, name]));
        const failingNames = failing.map(([id]) => names[id]);
        return failingNames.includes('output_tokens') && failingNames.includes('eval.faithfulness.score') && failingNames.includes('latency p95')
          ? { failing: failingNames, inputTokens: latest.get(monitorIds.input_tokens!)?.verdict ?? 'pending' }
          : null;
      }, 45_000),
    (d) => `failing: ${d.failing.join(', ')}; input_tokens (not shifted): ${d.inputTokens}`);
    steps.drifted = drifted;

    const alert = await progress.step('Alert delivered once to the subscriber, signature verified with standardwebhooks', async () => {
      const delivery = await receiver.waitFor((d) => d.verified && (d.body as { type?: string }).type === 'alert.firing', 60_000);
      const data = (delivery.body as { data: { alerts?: Array<{ labels?: Record<string, string> }> } }).data;
      return { id: delivery.id, alerts: data.alerts?.length ?? 0, unverified: receiver.deliveries.filter((d) => !d.verified).length };
    }, (a) => `webhook-id ${a.id}: ${a.alerts} firing alerts in one grouped notification; ${a.unverified} unverified deliveries`);
    steps.alert = alert;

    const signingKeys = async (): Promise<Array<{ keyId: string; publicKeyPem: string }>> =>
      (await api.get<{ keys: Array<{ keyId: string; publicKeyPem: string }> }>('/v1/signing-keys', keys.auditor)).keys;
    interface GateAnswer {
      decision: string;
      reasons: Array<{ check: string; outcome: string; reason: string }>;
      envelope: DsseEnvelope;
      promoted: boolean;
      ledgerIndex: number | null;
    }
    const verifiedDecision = async (gate: GateAnswer): Promise<string> => {
      const statement = openStatement(gate.envelope, await signingKeys());
      const predicate = statement.predicate as { result?: string };
      return `${predicate.result ?? '?'}, signed statement verified, ledger index ${gate.ledgerIndex}`;
    };
    const shadowFrom = new Date(Date.now() - 5 * 60_000);
    const failed = await progress.step('Gate: candidate v2 on drifted shadow traffic fails, with the drifted signals named', async () => {
      traffic!.emit(shapes.shifted('v2'), 300);
      await traffic!.flush();
      await until('the shadow traffic', async () => {
        const page = await api.get<{ sampled: number }>(`/v1/models/${DEMO_MODEL}/samples?limit=1&version=v2`, keys.owner);
        return page.sampled >= 300;
      }, 30_000);
      const gate = await api.post<GateAnswer>('/v1/gates/evaluate', keys.ci, {
        model: DEMO_MODEL,
        candidate: 'v2',
        window: { from: shadowFrom.toISOString(), to: new Date(Date.now() + 1000).toISOString() },
      });
      if (gate.decision !== 'fail') {
        throw new Error(`expected the drifted candidate to fail, got ${gate.decision}: ${gate.reasons.filter((x) => x.outcome !== 'pass').map((x) => x.reason).join('; ')}`);
      }
      return { gate, verified: await verifiedDecision(gate) };
    }, (r) => `fail (${r.verified}); failing: ${r.gate.reasons.filter((x) => x.outcome === 'fail').map((x) => x.check).join(', ')}`);
    steps.gateFail = failed.gate.decision;

    const passed = await progress.step('Gate: candidate v2 on a clean evaluation set passes and is promoted to production', async () => {
      const gate = await api.post<GateAnswer>(
        '/v1/gates/evaluate',
        keys.ci,
        {
          model: DEMO_MODEL,
          candidate: 'v2',
          evaluationSet: { format: 'json', content: { samples: evaluationSet(demoShapes(7).normal('v2'), 400) } },
          promote: true,
        },
        { 'idempotency-key': `demo-promote-v2-${setup.project.id}` },
      );
      if (gate.decision !== 'pass') {
        throw new Error(`expected the clean candidate to pass, got ${gate.decision}: ${gate.reasons.filter((x) => x.outcome !== 'pass').map((x) => x.reason).join('; ')}`);
      }
      return { gate, verified: await verifiedDecision(gate) };
    }, (r) => `pass (${r.verified}); promoted: ${r.gate.promoted}`);
    steps.gatePass = passed.gate.decision;

    const report = await progress.step('Signed audit report built by the worker and verified offline (signature, digests, inclusion proofs)', async () => {
      const requested = await api.post<{ id: string }>('/v1/reports', keys.auditor, {
        model: DEMO_MODEL,
        from: trafficStart.toISOString(),
        to: new Date(Date.now() + 1000).toISOString(),
      });
      const envelope = await until('the report to be built', async () => {
        const response = await fetch(`${apiUrl}/v1/reports/${requested.id}`, { headers: { authorization: `Bearer ${keys.auditor}`, accept: 'application/json' } });
        return response.status === 200 ? ((await response.json()) as unknown) : null;
      }, 60_000, 500);
      const verification = verifyReport(envelope, await signingKeys());
      const html = await api.get<string>(`/v1/reports/${requested.id}`, keys.auditor, { accept: 'text/html' });
      const file = path.join(config.dataDir, `report-${requested.id}.html`);
      fs.writeFileSync(file, html);
      fs.writeFileSync(path.join(config.dataDir, `report-${requested.id}.dsse.json`), JSON.stringify(envelope, null, 2));
      return { id: requested.id, verification, file };
    }, (r) => `${r.verification.entries} ledger entries proven against checkpoint ${r.verification.treeSize}; page: ${r.file}`);
    steps.report = report.verification;

    const consistency = await progress.step('Ledger: the log only grew (consistency proof between two signed checkpoints)', async () => {
      const keysList = await api.get<{ keys: Array<{ publicKeyPem: string; retiredAt: string | null }> }>('/v1/signing-keys', keys.auditor);
      const current = await until('a newer checkpoint', async () => {
        const cp = await api.get<Checkpoint>('/v1/ledger/checkpoint', keys.auditor);
        return cp.treeSize > firstCheckpoint.treeSize ? cp : null;
      }, 15_000);
      const origin = parseCheckpoint(current.note).origin;
      const verify = (note: string) => {
        for (const key of keysList.keys) {
          try {
            return verifyCheckpoint(note, { keyName: origin, publicKeyPem: key.publicKeyPem });
          } catch {
            continue;
          }
        }
        throw new Error('a checkpoint signature does not verify with the published keys');
      };
      const older = verify(firstCheckpoint.note);
      const newer = verify(current.note);
      const { proof } = await api.get<{ proof: string[] }>(`/v1/ledger/consistency?from=${older.treeSize}&to=${newer.treeSize}`, keys.auditor);
      const valid = verifyConsistency(older.treeSize, newer.treeSize, older.rootHash, newer.rootHash, proof.map((p) => Buffer.from(p, 'base64')));
      if (!valid) throw new Error('the consistency proof does not verify');
      return { from: older.treeSize, to: newer.treeSize, proofLength: proof.length };
    }, (c) => `tree ${c.from} → ${c.to} entries, ${c.proofLength}-hash proof verified offline`);
    steps.consistency = consistency;

    const settled = await progress.step('Checks back to every hour, so that a demo left serving stops growing its ledger', () => settleChecks(api, keys.owner, checks),
      (n) => `${n} checks now run hourly`);
    steps.settled = settled;

    const urls = { api: apiUrl, console: `${apiUrl}/`, docs: `${apiUrl}/docs`, ingest: `${ingestUrl}/v1/traces`, report: `${apiUrl}/v1/reports/${report.id}` };
    out.write(summaryText({
      apiUrl, ingestUrl, host: config.http.host, projectName: setup.project.name, keys, adminKey,
      report: { id: report.id, htmlFile: report.file, envelopeFile: path.join(config.dataDir, `report-${report.id}.dsse.json`) },
    }));
    steps.keys = keys;
    steps.secrets = [admin, ...Object.values(keys), setup.subscription.secret];
    steps.logFile = logFile;
    steps.receiver = receiver.deliveries.length;
    return { running, urls, steps };
  } catch (error) {
    if (ownerKey) await settleChecks(api, ownerKey, checks).catch(() => undefined);
    await traffic?.shutdown().catch(() => undefined);
    await receiver.stop();
    await running.close();
    throw error;
  } finally {
    if (!options.serve) {
      await traffic?.shutdown().catch(() => undefined);
      await receiver.stop();
    }
  }
}
