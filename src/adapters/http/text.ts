import { z } from "@hono/zod-openapi";

/**
 * The one rule for client text. Postgres refuses NUL (it answered 500), other control characters break
 * logs and terminals, and a lone surrogate cannot be stored as UTF-8 at all (it would silently become
 * U+FFFD). So every text field of a request refuses:
 *   - C0 controls (U+0000–U+001F) and DEL (U+007F), except tab, line feed and carriage return in
 *     multi-line free text (symptoms, description, review);
 *   - C1 controls (U+0080–U+009F);
 *   - lone surrogates (U+D800–U+DFFF not part of a pair).
 * The answer is 400 validation_failed whose `errors[].path` names the field.
 */
// \p{Cc} is exactly U+0000–U+001F, U+007F and U+0080–U+009F; \p{Cs} matches only an unpaired surrogate.
const SINGLE_LINE_FORBIDDEN = /[\p{Cc}\p{Cs}]/u;
const MULTI_LINE_FORBIDDEN = /(?![\t\n\r])\p{Cc}|\p{Cs}/u;

const SINGLE_LINE_MESSAGE = "must not contain control characters or unpaired surrogates";
const MULTI_LINE_MESSAGE =
  "must not contain control characters (other than tab and line breaks) or unpaired surrogates";

/** Whether `text` may be stored as one line of text (a name, an email, a password, a tag). */
const isSingleLineText = (text: string): boolean => !SINGLE_LINE_FORBIDDEN.test(text);

/** Whether `text` may be stored as free text (tab and line breaks allowed). */
const isMultiLineText = (text: string): boolean => !MULTI_LINE_FORBIDDEN.test(text);

/** A one-line text field: names, emails, passwords, time zones, tags, path names. */
export const singleLineText = (options: { min?: number; max?: number } = {}) => {
  let schema = z.string();
  if (options.min !== undefined) schema = schema.min(options.min);
  if (options.max !== undefined) schema = schema.max(options.max);
  return schema.refine(isSingleLineText, { message: SINGLE_LINE_MESSAGE });
};

/** A free-text field: tab, line feed and carriage return are kept, every other control is refused. */
export const multiLineText = (options: { max?: number } = {}) => {
  const schema = options.max !== undefined ? z.string().max(options.max) : z.string();
  return schema.refine(isMultiLineText, { message: MULTI_LINE_MESSAGE });
};

const SEARCH_IGNORED = /[\p{Cc}\p{Cs}]/gu;

/**
 * Free search text (`q`, the name in /misc/doctors/{name}): API.md says anything that is not a word is
 * ignored, never an error, so control characters and lone surrogates become spaces (word separators)
 * before the text goes any further.
 */
export const searchText = (options: { max: number }) =>
  z
    .string()
    .max(options.max)
    .transform((text) => text.replace(SEARCH_IGNORED, " "));
