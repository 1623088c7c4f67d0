import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { ChangeDoctorImage } from "../../../application/commands/doctors/change-doctor-image.js";
import type { ChangeSpecializationImage } from "../../../application/commands/doctors/change-specialization-image.js";
import type { DoctorQueries } from "../../../application/queries/doctors/doctor.queries.js";
import { appError, err, ok } from "../../../domain/shared/result.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { ImageUrls } from "../../../ports/image-urls.js";
import type { MediaStore } from "../../../ports/media-store.js";
import { type App, type AppEnv, refuseBodiesOver } from "../app.js";
import { requireAuth, requireRole } from "../auth.js";
import { problem, problemBody, problemResponses } from "../problem.js";
import { respond, respondWithDoctor } from "../respond.js";
import { SpecializationSchema } from "../schemas/catalog.js";
import { DoctorProfileSchema } from "../schemas/doctor.js";
import { MAX_ROW_ID } from "../schemas/fields.js";
import { bearer, jsonContent } from "../schemas/openapi.js";

export interface MediaRouteDeps {
  readonly authenticator: Authenticator;
  readonly doctors: DoctorQueries;
  readonly changeDoctorImage: ChangeDoctorImage;
  readonly changeSpecializationImage: ChangeSpecializationImage;
  readonly media: MediaStore;
  readonly urls: ImageUrls;
  /** MAX_UPLOAD_BYTES: the largest picture file accepted. */
  readonly maxUploadBytes: number;
  /** Per account, taken before the body is read (UPLOADS_PER_HOUR). */
  readonly uploadsLimit: MiddlewareHandler<AppEnv>;
}

/** Room for the multipart framing around the file (boundaries, part headers, a file name). */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

const UPLOAD_PATH = /^\/(?:doctors\/image|misc\/image\/[^/]+)$/;

/** The largest request body of an upload: the picture and its multipart framing. */
export const uploadBodyBytes = (maxUploadBytes: number) => maxUploadBytes + MULTIPART_OVERHEAD_BYTES;

/** The upload routes carry their own (larger) body limit; the app-wide limit leaves them alone. */
export const isUploadPath = (path: string): boolean => UPLOAD_PATH.test(path);

const IMMUTABLE = "public, max-age=31536000, immutable";

const ImageUpload = z
  .object({
    image: z
      .custom<Blob>((value) => value instanceof Blob, { message: "a file is required in field image" })
      .openapi({
        type: "string",
        format: "binary",
        description: "A PNG, JPEG or WebP picture (decided from its content), at most MAX_UPLOAD_BYTES.",
      }),
  })
  .openapi("ImageUpload");

const uploadBody = {
  required: true,
  description:
    "multipart/form-data with the file in field `image`. It is re-encoded as WebP, at most 512 px on its " +
    "longest side (aspect ratio kept), without metadata. A picture over 10 million pixels (IMAGE_MAX_PIXELS) " +
    "is refused (413) before it is decoded; a process decodes two pictures at a time, others wait.",
  content: { "multipart/form-data": { schema: ImageUpload } },
};

const SpecializationIdParam = z.object({
  specialization_id: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_ROW_ID)
    .openapi({ param: { name: "specialization_id", in: "path" }, example: 3 }),
});

const MediaKeyParam = z.object({
  key: z.string().openapi({
    param: { name: "key", in: "path" },
    example: "3f2c8f64-5717-4562-b3fc-2c963f66afa6.webp",
  }),
});

const binary = z.string().openapi({ type: "string", format: "binary" });

export function registerMediaRoutes(app: App, deps: MediaRouteDeps) {
  const signedIn = requireAuth(deps.authenticator);
  const upload = [
    deps.uploadsLimit,
    requireMultipart,
    refuseBodiesOver(uploadBodyBytes(deps.maxUploadBytes)),
  ] as const;
  const fileBytes = async (file: Blob) => new Uint8Array(await file.arrayBuffer());
  const fileTooLarge = err(
    appError("too_large", "file_too_large", `The picture is over ${deps.maxUploadBytes} bytes.`),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/doctors/image",
      tags: ["Doctors"],
      summary: "Set the calling doctor's profile picture",
      description:
        "PNG, JPEG or WebP by content, at most 5 MiB and 10 megapixels; stored re-encoded as WebP of at most 512 px without metadata. At most 20 uploads an hour per account.",
      security: bearer,
      middleware: [signedIn, requireRole("doctor"), ...upload],
      request: { body: uploadBody },
      responses: {
        200: {
          description: "The updated profile, with the new image URL",
          content: jsonContent(DoctorProfileSchema),
        },
        ...problemResponses(400, 401, 403, 413, 415, 429),
      },
    }),
    async (c) => {
      const file = c.req.valid("form").image;
      if (file.size > deps.maxUploadBytes) return respond(c, fileTooLarge, 200);
      const result = await deps.changeDoctorImage.execute(c.get("principal").userId, await fileBytes(file));
      return respondWithDoctor(c, deps.doctors, result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/misc/image/{specialization_id}",
      tags: ["Catalog"],
      summary: "Set a specialization's picture",
      description:
        "Admins only; the same picture rules as a doctor's. Every doctor holding the specialization shows the new picture.",
      security: bearer,
      middleware: [signedIn, requireRole("admin"), ...upload],
      request: { params: SpecializationIdParam, body: uploadBody },
      responses: {
        200: {
          description: "The specialization, with the new image URL",
          content: jsonContent(SpecializationSchema),
        },
        ...problemResponses(400, 401, 403, 404, 413, 415, 429),
      },
    }),
    async (c) => {
      const file = c.req.valid("form").image;
      if (file.size > deps.maxUploadBytes) return respond(c, fileTooLarge, 200);
      const result = await deps.changeSpecializationImage.execute(
        c.req.valid("param").specialization_id,
        await fileBytes(file),
      );
      return respond(
        c,
        result.ok
          ? ok({
              id: result.value.id,
              name: result.value.name,
              image: deps.urls.specializationImage(result.value.imageKey),
            })
          : result,
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/static/media/{key}",
      tags: ["Media"],
      summary: "An uploaded picture (the URLs in Doctor and Specialization `image`)",
      description: "Keys never change content, so answers may be cached for a year.",
      request: { params: MediaKeyParam },
      responses: {
        200: {
          description: "The picture",
          content: {
            "image/webp": { schema: binary, example: "(the WebP picture's bytes)" },
            "image/jpeg": { schema: binary, example: "(the JPEG picture's bytes)" },
            "image/png": { schema: binary, example: "(the PNG picture's bytes)" },
          },
        },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const stored = await deps.media.open(c.req.valid("param").key);
      if (!stored) return problem(c, 404, problemBody(404, "not_found", "No such picture."));
      return c.body(stored.bytes.slice().buffer, 200, {
        "content-type": stored.contentType,
        "content-length": String(stored.size),
        "cache-control": IMMUTABLE,
        "x-content-type-options": "nosniff",
      });
    },
  );
}

/** Uploads are multipart/form-data; any other declared body type is refused before it is read. */
const requireMultipart: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    return problem(
      c,
      415,
      problemBody(415, "unsupported_media_type", "Send the picture as multipart/form-data in field image."),
    );
  }
  await next();
};

/** Answers 413 from Content-Length alone, or as soon as a streamed body passes the limit. */
