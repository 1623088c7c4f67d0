/** Pages and lists of one item type, and the query that asks for a page. */
import { getOpenApiMetadata } from "@asteasolutions/zod-to-openapi";
import { z } from "@hono/zod-openapi";

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).openapi({ example: 1 }),
  per_page: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
});

export const toPageRequest = (q: z.infer<typeof PageQuery>) => ({ page: q.page, perPage: q.per_page });

/** The example of a component made with `.openapi(name, { example })`, if it has one. */
export const exampleOf = (schema: z.ZodTypeAny): unknown => getOpenApiMetadata(schema).example;

/** A page `{data, page, per_page, total}` of one item type, shown with one item's example. */
export const pageOfSchema = <T extends z.ZodTypeAny>(item: T, name: string) => {
  const one = exampleOf(item);
  return z
    .object({
      data: z.array(item),
      page: z.number().int(),
      per_page: z.number().int(),
      total: z.number().int(),
    })
    .openapi(name, one === undefined ? {} : { example: { data: [one], page: 1, per_page: 20, total: 1 } });
};

/** An unpaged list `{data: [...]}`, one named component per item type. */
export const listOfSchema = <T extends z.ZodTypeAny>(item: T, name: string) => {
  const one = exampleOf(item);
  return z
    .object({ data: z.array(item) })
    .openapi(name, one === undefined ? {} : { example: { data: [one] } });
};
