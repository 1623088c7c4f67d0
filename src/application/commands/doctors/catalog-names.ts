import { appError, err, ok, type Result } from "../../../domain/shared/result.js";

/** Catalog names are compared trimmed and lower-cased, as they are stored. */
export const normalizeCatalogName = (name: string): string => name.trim().toLowerCase().replace(/\s+/g, " ");

/** Maps each requested name to its id, or a 400 naming every unknown one by its position. */
export function resolveCatalogNames(
  requested: readonly string[],
  known: ReadonlyMap<string, number>,
  pathOf: (index: number) => string,
  what: string,
): Result<number[]> {
  const ids: number[] = [];
  const errors: { path: string; message: string }[] = [];
  requested.forEach((name, index) => {
    const id = known.get(normalizeCatalogName(name));
    if (id === undefined) errors.push({ path: pathOf(index), message: `unknown ${what}` });
    else ids.push(id);
  });
  if (errors.length > 0) {
    return err(appError("validation", `unknown_${what}`, `Not in the ${what} catalog.`, { errors }));
  }
  return ok(ids);
}
