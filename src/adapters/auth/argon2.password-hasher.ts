import { hash, verify } from "@node-rs/argon2";
import type { PasswordHasher } from "../../ports/password-hasher.js";

/**
 * Argon2id (the library's default algorithm) with the OWASP-recommended minimum of 19 MiB, 2 passes,
 * 1 lane. The parameters are stored inside each hash, so raising them later keeps old hashes valid.
 */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class Argon2PasswordHasher implements PasswordHasher {
  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }
}
