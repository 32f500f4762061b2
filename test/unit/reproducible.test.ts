import { describe, expect, it } from 'vitest';
import { reproduceCommand, reproducibleMetadata } from '../../scripts/train/reproducible';

describe('--reproducible', () => {
  it('records the command without the flags that only say where files go or how many threads run', () => {
    const argv = ['--reproducible', '--model', 'models/default.bin', '--threads', '1', '--out=runs/x', '--no-report', '--seed', '3'];
    expect(reproduceCommand(argv)).toBe('npm run train -- --reproducible --seed 3');
  });

  it('keeps no date, timing or thread count in the metadata, so two runs give the same header', () => {
    const measured = {
      createdAt: new Date().toISOString(),
      dataset: 'MNIST',
      testAccuracy: 0.99,
      trainSeconds: 51.2,
      secondsTo98: 9.1,
      trainSamplesPerSec: 20000,
      training: { hidden: '256', threads: 2 },
    };
    const m = reproducibleMetadata(measured, ['--reproducible', '--threads', '2']);
    expect(m).toEqual({
      createdAt: '1970-01-01T00:00:00.000Z',
      dataset: 'MNIST',
      testAccuracy: 0.99,
      training: { hidden: '256' },
      command: 'npm run train -- --reproducible',
    });
  });
});
