/** How routes declare their JSON bodies, answers and security in the OpenAPI document. */
import type { z } from "@hono/zod-openapi";

export const jsonContent = <T extends z.ZodTypeAny>(schema: T) => ({ "application/json": { schema } });

/**
 * The answers of a public read (see respondPublicRead): 200 with ETag and `Cache-Control: public,
 * no-cache`, and 304 when `If-None-Match` names the current ETag.
 */
export const publicReadResponses = <T extends z.ZodTypeAny>(description: string, schema: T) => ({
  200: {
    description,
    content: jsonContent(schema),
    headers: {
      ETag: { description: "Changes exactly when the answer does", schema: { type: "string" as const } },
      "Cache-Control": {
        description: "`public, no-cache`: caches may store it, and revalidate with If-None-Match",
        schema: { type: "string" as const },
      },
    },
  },
  304: {
    description: "Not modified: the ETag sent in If-None-Match is still the current one",
    headers: { ETag: { schema: { type: "string" as const } } },
  },
});

export const jsonBody = <T extends z.ZodTypeAny>(schema: T) => ({
  required: true,
  content: jsonContent(schema),
});

export const bearer = [{ bearerAuth: [] }];
