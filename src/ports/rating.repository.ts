export interface StoredRating {
  readonly id: number;
  readonly rating: number;
  readonly review: string | null;
  readonly createdAt: Date;
}

export interface RatingRepository {
  existsFor(appointmentId: number): Promise<boolean>;
  add(rating: {
    appointmentId: number;
    doctorId: number;
    rating: number;
    review: string | null;
  }): Promise<StoredRating>;
}
