export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

let stdoutClosed = false;
let stderrClosed = false;
let listening = false;

// A reader that goes away (`assay gate … | head -3`) must not turn a verdict into a crash: once
// the pipe is closed, output is dropped and the command still ends with its own exit code.
function listen(): void {
  if (listening) return;
  listening = true;
  const closer = (mark: () => void) => (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') mark();
    else throw error;
  };
  process.stdout.on('error', closer(() => (stdoutClosed = true)));
  process.stderr.on('error', closer(() => (stderrClosed = true)));
}

export function stdio(): CliIo {
  listen();
  return {
    out: (line) => {
      if (!stdoutClosed) process.stdout.write(`${line}\n`);
    },
    err: (line) => {
      if (!stderrClosed) process.stderr.write(`${line}\n`);
    },
  };
}
