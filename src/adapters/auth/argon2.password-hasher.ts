import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";
import type { PasswordHasher } from "../../ports/password-hasher.js";

/**
 * Argon2id (the library's default algorithm) with the OWASP-recommended minimum of 19 MiB, 2 passes,
 * 1 lane. The parameters are stored inside each hash, so raising them later keeps old hashes valid.
 */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Each hash takes 19 MiB and a core for tens of milliseconds; more at once than there are cores only
 * adds memory (a burst of sign-ins would otherwise hold a whole thread pool's worth), so they queue.
 */
class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

export class Argon2PasswordHasher implements PasswordHasher {
  private readonly gate = new Gate(Math.max(1, availableParallelism()));

  hash(password: string): Promise<string> {
    return this.gate.run(() => hash(password, OPTIONS));
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await this.gate.run(() => verify(passwordHash, password));
    } catch {
      return false;
    }
  }
}
