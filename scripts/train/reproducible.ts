import type { ModelMetadata } from '../../shared/model/format';

// --reproducible: a model file that the command in its header rebuilds byte for byte. the weights
// already depend only on the seed and flags; this drops what depends on the clock or the machine.

/** flags that change neither the weights nor the file's bytes (only where it goes), left out of the recorded command */
const RUN_ONLY = new Set(['--threads', '--out', '--model', '--no-report', '--no-robustness', '--robustness', '--upload', '--int8']);
const TAKES_VALUE = new Set(['--threads', '--out', '--model']);

/** the train command that rebuilds this model, for the header */
export function reproduceCommand(argv: string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag] = argv[i].split('=');
    if (RUN_ONLY.has(flag)) {
      if (TAKES_VALUE.has(flag) && !argv[i].includes('=')) i++;
      continue;
    }
    kept.push(argv[i]);
  }
  return ['npm run train --', ...kept].join(' ');
}

/** metadata without wall times, speeds, thread counts or dates; `command` says how to rebuild it */
export function reproducibleMetadata(m: ModelMetadata, argv: string[]): ModelMetadata {
  const { trainSeconds: _t, secondsTo98: _s, trainSamplesPerSec: _r, ...rest } = m;
  const { threads: _threads, ...training } = m.training ?? {};
  return { ...rest, createdAt: '1970-01-01T00:00:00.000Z', training, command: reproduceCommand(argv) };
}
