import cliProgress from 'cli-progress';
import { percent, thousands } from '../lib/format';
import type { DistillSettings, TrainConfig } from './config';
import { describeArchitecture, type EpochResult, type Progress, type TrainHooks } from './engine';

// what a training prints while it runs: a headline, a progress bar on a terminal, a line per epoch.

export function headline(config: TrainConfig): string {
  const threads = `${config.threads} thread${config.threads > 1 ? 's' : ''}`;
  return `training ${describeArchitecture(config)} · ${config.optimizer} lr ${config.lr} (${config.schedule}) · batch ${config.optimizer === 'gd' ? 'full' : config.batch} · ` +
    `${config.epochs} epochs${config.augment ? ' · augmented' : ''}${config.deskew ? ' · deskewed' : ''} · seed ${config.seed} · ${threads}` +
    (config.distill ? `\ndistilling from ${describeTeacher(config.distill)}` : '');
}

/** "runs/teacher/model.bin (784-conv16k3s2-conv32k3s2-64-10, 99.13%, version …) · alpha 0.5 · T 4" */
export function describeTeacher(d: DistillSettings): string {
  const about = [d.teacherArchitecture, typeof d.teacherTestAccuracy === 'number' ? percent(d.teacherTestAccuracy) : null, d.teacherVersion ? `version ${d.teacherVersion}` : null].filter(Boolean);
  return `${d.teacher}${about.length ? ` (${about.join(', ')})` : ''} · alpha ${d.alpha} (hard labels) · T ${d.temperature}`;
}

export function epochLine(r: EpochResult, epochs: number): string {
  return `epoch ${String(r.epoch).padStart(String(epochs).length)}/${epochs}  train loss ${r.trainLoss.toFixed(4)}  train acc ${percent(r.trainAccuracy)}  ` +
    `test loss ${r.testLoss.toFixed(4)}  test acc ${percent(r.testAccuracy)}  ${r.seconds.toFixed(2)} s  ${thousands(r.samplesPerSec)} samples/s`;
}

/** hooks for train(): the bar goes to stderr and only on a terminal, so logs keep just the epoch lines */
export function progressDisplay(config: TrainConfig): TrainHooks {
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: 'epoch {epoch} |{bar}| {percentage}% · {speed} samples/s · loss {loss} · ETA {eta_formatted}', hideCursor: true, clearOnComplete: true, etaBuffer: 30 },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let barEpoch = 0; // the epoch the bar shows; 0 = stopped
  return {
    onEpoch(r: EpochResult) {
      bar?.stop();
      barEpoch = 0;
      console.log(epochLine(r, config.epochs));
    },
    onProgress(p: Progress) {
      if (!bar) return;
      const payload = { epoch: `${p.epoch}/${config.epochs}`, speed: thousands(p.samplesPerSec), loss: Number.isFinite(p.loss) ? p.loss.toFixed(4) : '-' };
      if (barEpoch !== p.epoch) {
        bar.start(p.samples, p.samplesDone, payload);
        barEpoch = p.epoch;
      } else bar.update(p.samplesDone, payload);
    },
  };
}
