import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Debian's packages of the Prometheus tools the tests run; `.ci/run` and `npm test` install them where missing. */
export const PROMETHEUS_TOOLS = {
  promtool: { binary: 'promtool', pkg: 'prometheus' },
  alertmanager: { binary: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' },
} as const;

/** The tool's path; a missing tool fails the test with the package that provides it, never skips it. */
export function requireTool(tool: keyof typeof PROMETHEUS_TOOLS): string {
  const { binary, pkg } = PROMETHEUS_TOOLS[tool];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, binary);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${binary} is not installed: install Debian's ${pkg} package (apt-get install -y ${pkg}), as .ci/run does`);
}

export interface ToolResult {
  status: number | null;
  output: string;
}

/** `promtool check metrics` reads a scrape on stdin and lints it; exit 0 and no output means clean. */
export function promtoolCheckMetrics(scrape: string): ToolResult {
  const result = spawnSync(requireTool('promtool'), ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

export function promtoolCheckRules(file: string): ToolResult {
  const result = spawnSync(requireTool('promtool'), ['check', 'rules', file], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** Runs the rules' unit tests (`promtool test rules`). */
export function promtoolTestRules(file: string): ToolResult {
  const result = spawnSync(requireTool('promtool'), ['test', 'rules', file], { encoding: 'utf8', cwd: path.dirname(file) });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

export function promtoolCheckConfig(file: string): ToolResult {
  const result = spawnSync(requireTool('promtool'), ['check', 'config', '--syntax-only', file], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The value of the one sample whose line starts with `series` (name and labels as exposed), or undefined. */
export function sampleValue(scrape: string, series: string): number | undefined {
  const line = scrape.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Every sample line of a metric family, with its labels parsed. */
export function samplesOf(scrape: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  const pattern = new RegExp(`^${name}(?:\\{(.*)\\})? (\\S+)$`);
  return scrape.split('\n').flatMap((line) => {
    const match = pattern.exec(line);
    if (!match) return [];
    const labels = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    return [{ labels, value: Number(match[2]) }];
  });
}
