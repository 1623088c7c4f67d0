/** A maintained list of the passwords attackers try first: none of them may be set as a password. */
export interface CommonPasswords {
  /** Whether the password is on the list, whatever its case. */
  includes(password: string): boolean;
}

export const COMMON_PASSWORDS = Symbol.for("doctorly.CommonPasswords");
