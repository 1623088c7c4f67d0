import type { ImageUrls } from "../../ports/image-urls.js";

/** Absolute picture URLs from the PUBLIC_BASE_URL setting; never from a request's Host header. */
export class PublicImageUrls implements ImageUrls {
  constructor(private readonly baseUrl: string) {}

  doctorImage(key: string | null): string {
    return key ? this.media(key) : `${this.baseUrl}/static/defaults/doctor.svg`;
  }

  specializationImage(key: string | null): string {
    return key ? this.media(key) : `${this.baseUrl}/static/defaults/specialization.svg`;
  }

  private media(key: string): string {
    return `${this.baseUrl}/static/media/${encodeURIComponent(key)}`;
  }
}
