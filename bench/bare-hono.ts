import { readFileSync } from "node:fs";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

/**
 * The benchmark's ceiling: Hono on @hono/node-server answering a fixed ~1 KB JSON, with no middleware,
 * no Redis and no Postgres. Started exactly like the API (`node --import tsx`, one process).
 */
const doctor = {
  id: 4242,
  name: "Ayesha Khan",
  description: "Consultant cardiologist with twenty years of practice in interventional cardiology.",
  image: "http://127.0.0.1:5000/media/doctors/default.png",
  timezone: "Asia/Karachi",
  experience: 20,
  rating: null,
  no_of_patients: 1234,
  specializations: [
    { id: 3, name: "cardiologist", image: "http://127.0.0.1:5000/media/specializations/default.png" },
    { id: 14, name: "internist", image: "http://127.0.0.1:5000/media/specializations/default.png" },
  ],
  qualifications: [
    { name: "mbbs", procurement_year: "2004-01-01", institute_name: "King Edward Medical University" },
    { name: "frcps", procurement_year: "2010-06-01", institute_name: "Royal College of Physicians" },
  ],
  slots: [
    { id: 1, day: "monday", start: "09:00", end: "11:00", appointment_duration: 15, num_slots: 8, fee: 1500 },
    {
      id: 2,
      day: "wednesday",
      start: "14:00",
      end: "16:00",
      appointment_duration: 15,
      num_slots: 8,
      fee: 1500,
    },
    {
      id: 3,
      day: "friday",
      start: "10:00",
      end: "12:30",
      appointment_duration: 10,
      num_slots: 15,
      fee: 1200,
    },
  ],
};

const app = new Hono();
app.get("/bare", (c) => c.json(doctor));
// Row 3h: the very bytes of the hot search's answer (~25 KB), written to BARE_ANSWER_FILE by the search
// scenario before it asks: the HTTP path's own ceiling for an answer of that size.
let answer: string | undefined;
app.get("/answer", (c) => {
  answer ??= readFileSync(process.env.BARE_ANSWER_FILE ?? "", "utf8");
  return c.body(answer, 200, { "content-type": "application/json" });
});

const port = Number(process.env.PORT ?? 5100);
serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
process.on("SIGTERM", () => process.exit(0));
