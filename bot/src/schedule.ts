/**
 * The daily backup schedule, in process: one timer per bot instance, set for the next SUMMARY_TIME (UTC). When
 * several instances run (App Service scale-out), each fires, and the per-tenant backup lease in Cosmos DB lets one of
 * them back up; the others are refused with LeaseHeldError and log it.
 */
export function nextDailyRun(now: Date, time: { hour: number; minute: number }): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), time.hour, time.minute));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

export interface DailySchedule {
  next: Date;
  stop(): void;
}

export function scheduleDaily(
  time: { hour: number; minute: number },
  run: () => Promise<void>,
  options: { now?: () => Date; /** The error, when there is one, comes second (its Graph ids reach a structured log). */ log?: (message: string, error?: unknown) => void; setTimer?: (fn: () => void, ms: number) => { unref?: () => void; [key: string]: unknown } ; clearTimer?: (timer: unknown) => void } = {},
): DailySchedule {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms) as unknown as { unref?: () => void });
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
  let timer: unknown;
  let stopped = false;
  const schedule: DailySchedule = {
    next: nextDailyRun(now(), time),
    stop() {
      stopped = true;
      clearTimer(timer);
    },
  };
  const arm = () => {
    if (stopped) return;
    schedule.next = nextDailyRun(now(), time);
    const handle = setTimer(() => {
      void run()
        .catch((error: unknown) => log(`rewind bot: the daily backup failed: ${error instanceof Error ? error.message : String(error)}`, error))
        .finally(arm);
    }, schedule.next.getTime() - now().getTime());
    handle.unref?.();
    timer = handle;
  };
  arm();
  return schedule;
}
