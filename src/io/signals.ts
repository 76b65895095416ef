/**
 * Ctrl-C (and TERM/HUP) during a transaction must not leave a mix of old and new files.
 *
 * We do not roll back inside the signal handler: the handler only records the signal, and the
 * transaction checks it at safe points (between file steps, never between a temp write and its
 * rename). At the next safe point it throws ABORTED, the normal error path rolls back and releases
 * the lock, and then — in `exit` mode — the process exits with 128 + signal number
 * (130 INT, 143 TERM, 129 HUP). A signal that arrives after the commit point lets the transaction
 * finish; in `exit` mode the process still exits with that code once the lock is released.
 * A second signal while rolling back is also only recorded (rollback is short); SIGKILL cannot be
 * caught at all, and the next run's `recoverUnfinished` handles that.
 * Known gap: a signal that arrives in the instant between releasing the lock and removing these
 * handlers can be dropped by Node (its watcher is closed before the handler runs). The transaction has
 * then completed and the home is consistent; only the exit code is lost.
 */
import { KsError } from '../errors';

export type SignalMode = 'exit' | 'throw';

const CAUGHT = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Caught = (typeof CAUGHT)[number];
export const SIGNAL_EXIT_CODE: Record<Caught, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export class SignalGuard {
  signal: Caught | null = null;
  private readonly handlers: Array<[Caught, () => void]> = [];

  constructor() {
    for (const sig of CAUGHT) {
      const h = () => {
        this.signal ??= sig;
      };
      process.on(sig, h);
      this.handlers.push([sig, h]);
    }
  }

  /** A safe point: throws ABORTED if a signal arrived. */
  check(): void {
    if (this.signal) {
      throw new KsError('ABORTED', `interrupted by ${this.signal}; the files were left as they were`);
    }
  }

  dispose(): void {
    for (const [sig, h] of this.handlers) process.removeListener(sig, h);
    this.handlers.length = 0;
  }

  exitCode(): number | null {
    return this.signal ? SIGNAL_EXIT_CODE[this.signal] : null;
  }
}
