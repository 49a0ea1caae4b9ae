import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnProcess, type SpawnedProcess } from './processes.js';
import { requireTool } from './prometheus-tools.js';

export interface RunningAlertmanager {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, without clustering,
 * routing every alert to `webhookUrl` with second-long waits so that a test sees firing and resolved
 * notifications within seconds.
 */
export async function startAlertmanager(webhookUrl: string): Promise<RunningAlertmanager> {
  const binary = requireTool('alertmanager');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-alertmanager-'));
  const config = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(
    config,
    [
      'route:',
      '  receiver: assay-test',
      "  group_by: ['alertname', 'model']",
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: assay-test',
      '    webhook_configs:',
      `      - url: ${JSON.stringify(webhookUrl)}`,
      '        send_resolved: true',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process: SpawnedProcess = spawnProcess(
    binary,
    [`--config.file=${config}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'],
    { PATH: globalThis.process.env.PATH },
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (process.child.exitCode !== null || Date.now() > deadline) {
      await process.stop();
      throw new Error(`Alertmanager did not start on ${url}: ${process.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    output: () => process.output(),
    stop: async () => {
      await process.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
