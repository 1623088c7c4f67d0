/** The content types the media store holds; a key's extension records which one. */
export type MediaContentType = "image/webp" | "image/jpeg" | "image/png";

export interface StoredMedia {
  readonly bytes: Uint8Array;
  readonly contentType: MediaContentType;
  readonly size: number;
}

/**
 * Where uploaded pictures live. Keys are chosen by the store (random, never from a client's file name);
 * a key that the store could not have made is treated as unknown.
 */
export interface MediaStore {
  /** Stores the bytes under a new random key and returns the key. */
  put(bytes: Uint8Array, contentType: MediaContentType): Promise<string>;
  /** Removes the media; an unknown or malformed key is nothing to remove. */
  remove(key: string): Promise<void>;
  /** The stored media, or null for an unknown or malformed key. */
  open(key: string): Promise<StoredMedia | null>;
}

export const MEDIA_STORE = Symbol.for("doctorly.MediaStore");
