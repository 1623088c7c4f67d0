import type pg from "pg";

/** How big the benchmark's data set is. */
export interface Scale {
  readonly doctors: number;
  /** The last `lagDoctors` doctors carry a unique word in their name and no specializations (scenario 5). */
  readonly lagDoctors: number;
  readonly patients: number;
  readonly appointments: number;
  /** Accounts that sign in through the API and book in scenario 4; their patients hold no seeded seat. */
  readonly loadUsers: number;
  /** 10-seat sittings that the contended booking scenario fights over. */
  readonly contendedSittings: number;
}

export const FULL: Scale = {
  doctors: 10_000,
  lagDoctors: 100,
  patients: 20_000,
  appointments: 200_000,
  loadUsers: 200,
  contendedSittings: 5,
};

export const TINY: Scale = {
  doctors: 50,
  lagDoctors: 10,
  patients: 200,
  appointments: 1_000,
  loadUsers: 20,
  contendedSittings: 2,
};

export const BENCH_PASSWORD = "bench-password-1";

export const FIRST_NAMES = [
  "Ayesha",
  "Bilal",
  "Carmen",
  "Daniel",
  "Elena",
  "Farhan",
  "Grace",
  "Hamza",
  "Imran",
  "Julia",
  "Kamran",
  "Layla",
  "Mateo",
  "Nadia",
  "Omar",
  "Priya",
  "Quentin",
  "Rania",
  "Samir",
  "Tariq",
  "Usman",
  "Valeria",
  "Wei",
  "Ximena",
  "Yusuf",
  "Zara",
  "Adeel",
  "Beatriz",
  "Chen",
  "Dalia",
];
export const LAST_NAMES = [
  "Khan",
  "Ahmed",
  "Garcia",
  "Smith",
  "Rossi",
  "Nguyen",
  "Okafor",
  "Kowalski",
  "Haddad",
  "Silva",
  "Mehta",
  "Chaudhry",
  "Novak",
  "Yamamoto",
  "Ibrahim",
  "Fischer",
  "Dubois",
  "Jensen",
  "Moreau",
  "Petrov",
  "Santos",
  "Qureshi",
  "Rahman",
  "Tanaka",
  "Usmani",
  "Varga",
  "Walsh",
  "Xu",
  "Yilmaz",
  "Zaidi",
  "Abbasi",
  "Bashir",
  "Castillo",
  "Dar",
  "Esposito",
  "Farooq",
  "Gill",
  "Hussain",
  "Iqbal",
  "Javed",
];
const INSTITUTES = [
  "King Edward Medical University",
  "Aga Khan University",
  "Dow Medical College",
  "Charite Berlin",
  "University of Toronto",
  "Karolinska Institute",
  "Royal College of Physicians",
  "Allama Iqbal Medical College",
];

/** Name prefixes that match many doctors (first three letters of common surnames). */
export const NAME_PREFIXES = LAST_NAMES.map((n) => n.slice(0, 3).toLowerCase());

const WEEK = "ARRAY['monday','tuesday','wednesday','thursday','friday','saturday','sunday']";

/**
 * Fills an empty, migrated database with set-based SQL (no per-row round trips). Every constraint of the
 * schema holds by construction: a doctor's slots fall on distinct weekdays (no overlap), seats 1–3 of
 * capacities ≥ 10, patients of one sitting are consecutive ids (all different), sittings fall on their
 * slot's weekday within the last four and the next week.
 */
export async function seed(db: pg.Client, scale: Scale, passwordHash: string): Promise<void> {
  const regular = scale.doctors - scale.lagDoctors;
  await db.query(
    `INSERT INTO users (name, email, password_hash, role, confirmed)
     SELECT CASE WHEN g <= $2
              THEN f[1 + (g * 7) % cardinality(f)] || ' ' || l[1 + (g * 13 + g / 31) % cardinality(l)]
              ELSE 'Lag ' || translate(substr(md5(g::text), 1, 10), '0123456789', 'ghijklmnop') END,
            'doctor' || g || '@bench.test', $1, 'doctor', true
     FROM generate_series(1, $3::int) g, (SELECT $4::text[] AS f, $5::text[] AS l) w`,
    [passwordHash, regular, scale.doctors, FIRST_NAMES, LAST_NAMES],
  );
  // Verified, as an admin's POST /admin/doctors/{id}/verify leaves them: patients see only those.
  await db.query(
    `INSERT INTO doctors (user_id, description, timezone, verified)
     SELECT id, 'Consultant with ' || (3 + id % 30) || ' years of practice in a city clinic',
            (ARRAY['UTC','Asia/Karachi','Europe/London','America/New_York'])[1 + id % 4], true
     FROM users WHERE role = 'doctor' ORDER BY id`,
  );
  const lagFrom = `(SELECT d.id FROM doctors d ORDER BY d.id OFFSET ${regular} LIMIT 1)`;
  await db.query(
    `INSERT INTO doctor_specializations (doctor_id, specialization_id)
     SELECT d.id, s.ids[1 + (d.id * 7 + k * 13) % cardinality(s.ids)]
     FROM doctors d, (SELECT array_agg(id ORDER BY id) AS ids FROM specializations) s, generate_series(0, 2) k
     WHERE k <= d.id % 3 AND d.id < COALESCE(${lagFrom}, 2147483647)`,
  );
  await db.query(
    `INSERT INTO doctor_qualifications (doctor_id, qualification_id, procurement_year, institute_name)
     SELECT d.id, q.ids[1 + (d.id + k * 4) % cardinality(q.ids)],
            make_date(1985 + (d.id * 3 + k * 5) % 35, 1 + d.id % 12, 1), ($1::text[])[1 + (d.id + k) % cardinality($1::text[])]
     FROM doctors d, (SELECT array_agg(id ORDER BY id) AS ids FROM qualifications) q, generate_series(0, 1) k
     WHERE k <= d.id % 2`,
    [INSTITUTES],
  );
  // 2–6 slots on distinct weekdays; they end by 22:10, so a 22:20–24:00 sitting fits beside any of them.
  await db.query(
    `INSERT INTO slots (doctor_id, day, start_minute, appointment_duration, num_slots, consultation_fee)
     SELECT d.id, (${WEEK})[1 + (d.id + k) % 7], 480 + 30 * ((d.id + k) % 16),
            (ARRAY[10, 15, 20])[1 + (d.id + k) % 3], 10 + (d.id + k) % 11, 500 + ((d.id * 37 + k * 11) % 46) * 100
     FROM doctors d, generate_series(0, 5) k
     WHERE k <= 1 + d.id % 5`,
  );
  const patientUsers = Math.ceil(scale.patients / 2);
  await db.query(
    `INSERT INTO users (name, email, password_hash, role, confirmed)
     SELECT f[1 + (g * 11) % cardinality(f)] || ' ' || l[1 + (g * 17) % cardinality(l)], 'user' || g || '@bench.test', $1, 'user', true
     FROM generate_series(1, $2::int) g, (SELECT $3::text[] AS f, $4::text[] AS l) w`,
    [passwordHash, patientUsers, FIRST_NAMES, LAST_NAMES],
  );
  await db.query(
    `INSERT INTO patients (user_id, name, age, gender, symptoms)
     SELECT u.id, split_part(u.name, ' ', 1) || CASE k WHEN 1 THEN '' ELSE ' junior' END, 5 + (u.id * 7 + k) % 80,
            (ARRAY['male','female','other'])[1 + (u.id + k) % 3], NULL
     FROM users u, generate_series(1, 2) k
     WHERE u.role = 'user'
     ORDER BY u.id, k
     LIMIT $1`,
    [scale.patients],
  );
  // Patients of the load users (the first ones) keep every sitting free for the booking scenarios.
  const { rows } = await db.query<{ lo: number; n: number }>(
    `SELECT min(p.id)::int AS lo, count(*)::int AS n FROM patients p JOIN users u ON u.id = p.user_id
     WHERE NOT u.email = ANY($1::text[])`,
    [loadEmails(scale)],
  );
  const { lo, n } = rows[0] ?? { lo: 1, n: 1 };
  await db.query(
    `INSERT INTO appointments (patient_id, slot_id, doctor_id, sitting_date, seat, capacity, status, created_at, cancelled_at)
     SELECT $2::int + (x.slot_id * 7919 + (x.w + 10) * 104729 + x.seat) % $3::int, x.slot_id, x.doctor_id, x.sitting_date,
            x.seat, x.num_slots, x.status,
            LEAST(now(), x.sitting_date - (x.h % 14) * interval '1 day'),
            CASE WHEN x.status = 'cancelled' THEN now() END
     FROM (
       SELECT s.id AS slot_id, s.doctor_id, s.num_slots, w, seat,
              date_trunc('week', current_date)::date + (array_position(${WEEK}, s.day) - 1) + 7 * w AS sitting_date,
              (s.id * 31 + w * 17 + seat) % 97 AS h,
              CASE WHEN (s.id + w + seat) % 20 = 0 THEN 'cancelled'
                   WHEN w < 0 AND (s.id + seat) % 10 = 0 THEN 'noshow'
                   WHEN w < 0 THEN 'fulfilled' ELSE 'booked' END AS status
       FROM slots s, generate_series(-4, 1) w, generate_series(1, 3) seat
       WHERE seat <= 1 + (s.id + w + 10) % 3
       ORDER BY random()
       LIMIT $1
     ) x`,
    [scale.appointments, lo, n],
  );
  // Vacuumed as well as analyzed: autovacuum would otherwise visit the freshly loaded tables mid-run.
  await db.query("VACUUM ANALYZE");
}

const loadEmails = (scale: Scale) =>
  Array.from({ length: scale.loadUsers }, (_, i) => `user${i + 1}@bench.test`);

export interface LoadAccount {
  readonly email: string;
  readonly userId: number;
  readonly patientIds: number[];
}

export async function loadAccounts(db: pg.Client, scale: Scale): Promise<LoadAccount[]> {
  const { rows } = await db.query<{ email: string; userId: number; patientIds: number[] }>(
    `SELECT u.email, u.id AS "userId", array_agg(p.id ORDER BY p.id) AS "patientIds"
     FROM users u JOIN patients p ON p.user_id = u.id
     WHERE u.email = ANY($1::text[])
     GROUP BY u.id ORDER BY u.id`,
    [loadEmails(scale)],
  );
  return rows;
}

export interface LagDoctor {
  readonly id: number;
  readonly email: string;
  /** The unique word of its name: a search for it finds this doctor. */
  readonly word: string;
}

export async function lagDoctors(db: pg.Client, scale: Scale): Promise<LagDoctor[]> {
  const { rows } = await db.query<LagDoctor>(
    `SELECT d.id, u.email, lower(split_part(u.name, ' ', 2)) AS word
     FROM doctors d JOIN users u ON u.id = d.user_id WHERE u.name LIKE 'Lag %' ORDER BY d.id LIMIT $1`,
    [scale.lagDoctors],
  );
  return rows;
}

/** Distinct empty sittings 8–48 days ahead (seeded appointments stop next week), in random order. */
export async function freeSittings(
  db: pg.Client,
  limit: number,
): Promise<{ slotId: number; date: string }[]> {
  const { rows } = await db.query<{ slotId: number; date: string }>(
    `SELECT s.id AS "slotId",
            to_char(date_trunc('week', current_date)::date + (array_position(${WEEK}, s.day) - 1) + 7 * w, 'YYYY-MM-DD') AS date
     FROM slots s, generate_series(2, 6) w
     WHERE s.start_minute < 1340
     ORDER BY random() LIMIT $1`,
    [limit],
  );
  return rows;
}

/** New 10-seat sittings at 22:20 (after every seeded slot of that weekday ends), 10 + i days ahead. */
export async function contendedSittings(
  db: pg.Client,
  count: number,
  tag: number,
): Promise<{ slotId: number; date: string }[]> {
  const { rows } = await db.query<{ slotId: number; date: string }>(
    `WITH picked AS (
       SELECT d.id AS doctor_id, current_date + 10 + i AS date
       FROM generate_series(0, $1::int - 1) i
       JOIN LATERAL (SELECT id FROM doctors ORDER BY id OFFSET $2::int * $1::int + i LIMIT 1) d ON true
     ), made AS (
       INSERT INTO slots (doctor_id, day, start_minute, appointment_duration, num_slots, consultation_fee)
       SELECT doctor_id, trim(lower(to_char(date, 'day'))), 1340, 10, 10, 1000 FROM picked
       RETURNING id, doctor_id
     )
     SELECT m.id AS "slotId", to_char(p.date, 'YYYY-MM-DD') AS date FROM made m JOIN picked p USING (doctor_id)`,
    [count, tag],
  );
  return rows;
}
