import { z } from "zod";

// Row schemas shared by many queries. A schema is built once per module, never per query: zod compiles
// a parser the first time a schema parses, so a schema built inline would be compiled on every call.
export const idRow = z.object({ id: z.number() });
export const countRow = z.object({ n: z.number() });
export const flagRow = z.object({ x: z.number() });
