/**
 * What keeps the DropBox from doing all of its job (a missing watch folder, a ledger it cannot
 * write): one reason per key. Every change is pushed to the supervising node over the IPC channel
 * (`{"type":"health"}`), which shows the DropBox as `degraded` with the reasons in `admin status`
 * (exit 2), and is part of the `status` control method's answer.
 */
export class HealthProblems {
  private readonly problems = new Map<string, string>();

  constructor(private readonly onChange: (reasons: string[], checks: Record<string, string>) => void = sendHealth) {}

  /** Record (or replace) the problem under `key`; a no-op when the reason is unchanged. */
  set(key: string, reason: string): void {
    if (this.problems.get(key) === reason) return;
    this.problems.set(key, reason);
    this.onChange(this.reasons(), this.byKey());
  }

  /** The problem under `key` is solved. */
  clear(key: string): void {
    if (!this.problems.delete(key)) return;
    this.onChange(this.reasons(), this.byKey());
  }

  has(key: string): boolean {
    return this.problems.has(key);
  }

  /** The reason under `key`, if that problem is there. */
  get(key: string): string | undefined {
    return this.problems.get(key);
  }

  reasons(): string[] {
    return [...this.problems.values()];
  }

  /** The problems by key (`ledger`, `watch:N`, `remote:...`). */
  byKey(): Record<string, string> {
    return Object.fromEntries(this.problems);
  }
}

function sendHealth(reasons: string[], checks: Record<string, string>): void {
  if (typeof process.send === "function" && process.connected) {
    process.send({ type: "health", server: "DropBox", problems: reasons, checks });
  }
}
