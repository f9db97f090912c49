// The retention policy for admins: each kind's age and variable, what a run now would remove (a dry run of the
// daily job), and the last run with its counts. Counts only, no citizen data: not audited (as ticket counts).
import { Router } from 'express';
import { z } from 'zod';
import { RetentionJob } from '../retention/job.ts';
import { parse, requireRole } from './http.ts';
import type { ApiDeps } from './server.ts';

export function retentionRoutes({ store, reads, clock, config, attachments, log }: ApiDeps) {
  const r = Router();
  // Its own instance, never scheduled, for the policy and the next run; the preview itself walks every table, so
  // a read worker (src/readpool/) does it, writing nothing, so it may run beside the daily run.
  const job = new RetentionJob({ store, clock, config, attachments, log });

  r.get('/retention/preview', requireRole('admin'), async (req, res) => {
    parse(z.object({}).strict(), req.query);
    const now = clock.now();
    const preview = await reads.run('retentionPreview', now, config);
    const last = store.lastRetentionRun();
    res.json({
      computedAt: now,
      timeZone: config.TZ_COURT,
      runAt: config.RETENTION_RUN_AT === 'off' ? null : config.RETENTION_RUN_AT,
      nextRunAt: job.nextRunAt(now),
      policy: job.policy(now),
      preview,
      lastRun: last && { at: last.at, counts: (last.details as { counts?: unknown } | null)?.counts ?? null },
    });
  });
  return r;
}
