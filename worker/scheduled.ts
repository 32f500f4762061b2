import type { Bindings } from './env';
import { deleteExpired, feedbackSettings } from './feedback-store';

// the worker's cron jobs ([triggers] crons in wrangler.toml): once a day, delete the feedback older
// than FEEDBACK_RETENTION_DAYS. the time is the trigger's own, so a late or repeated run deletes the same rows.

export async function scheduled(controller: ScheduledController, env: Bindings): Promise<void> {
  const db = env.FEEDBACK_DB;
  if (!db) return; // a deployment that keeps no feedback has nothing to delete
  const settings = feedbackSettings(env);
  // thrown: the run shows as failed in the dashboard's cron events, with the reason
  if ('problem' in settings) throw new Error(`feedback retention: ${settings.problem}`);
  const { deleted, cutoff } = await deleteExpired(db, new Date(controller.scheduledTime), settings.retentionDays);
  console.log(`feedback retention: deleted ${deleted} correction${deleted === 1 ? '' : 's'} sent before ${cutoff} (${settings.retentionDays} days)`);
}
