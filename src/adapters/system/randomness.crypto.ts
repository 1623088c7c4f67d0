import { randomUUID } from "node:crypto";
import type { Randomness } from "../../ports/randomness.js";

export class CryptoRandomness implements Randomness {
  uuid(): string {
    return randomUUID();
  }
}
