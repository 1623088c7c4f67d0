/** Turns stored media keys into absolute public URLs (built from a setting, never from a request). */
export interface ImageUrls {
  doctorImage(key: string | null): string;
  specializationImage(key: string | null): string;
}

export const IMAGE_URLS = Symbol.for("doctorly.ImageUrls");
