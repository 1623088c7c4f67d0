import { dictionary } from "@zxcvbn-ts/language-common";
import type { CommonPasswords } from "../../ports/common-passwords.js";

let shared: ReadonlySet<string> | undefined;

/** zxcvbn-ts's list of common passwords (about 50,000, from breach corpora), lower-cased once per process. */
function commonPasswordSet(): ReadonlySet<string> {
  shared ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));
  return shared;
}

export class ZxcvbnCommonPasswords implements CommonPasswords {
  private readonly list = commonPasswordSet();

  includes(password: string): boolean {
    return this.list.has(password.toLowerCase());
  }
}
