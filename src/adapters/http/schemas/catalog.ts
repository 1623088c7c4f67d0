/** The catalogue's qualifications and specializations. */
import { z } from "@hono/zod-openapi";

export const QualificationSchema = z
  .object({ id: z.number().int(), name: z.string() })
  .openapi("Qualification", { example: { id: 1, name: "mbbs" } });

export const SpecializationSchema = z
  .object({ id: z.number().int(), name: z.string(), image: z.url() })
  .openapi("Specialization", {
    example: {
      id: 3,
      name: "cardiologist",
      image: "http://127.0.0.1:5000/static/defaults/specialization.svg",
    },
  });
