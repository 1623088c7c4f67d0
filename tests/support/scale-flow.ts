import { expect } from "vitest";
import { registerAndSignIn } from "./accounts.js";
import { addSlot, auth, get, newDoctor, newPatient, post, type SignedInDoctor } from "./booking.js";
import { eventually } from "./eventually.js";
import { nextWeekday, uniqueWord } from "./fixtures.js";
import type { TestServer } from "./server.js";

/**
 * The one booking flow the scale-out suites (tests/e2e/scale) run on each topology: a doctor with a
 * weekly slot, a patient of another account booking its next sitting, a cached profile read, a profile
 * change that the next read shows, and search following the change.
 */
export interface ScaleScene {
  readonly doctor: SignedInDoctor;
  /** The doctor's surname: a word only its name holds, to search by. */
  readonly surname: string;
  readonly slotId: number;
  readonly ownerToken: string;
  readonly patientId: number;
  /** The sitting's date (the next `day`). */
  readonly date: string;
}

/** A verified doctor named `${label} <surname>` with a slot on `day`, and a patient of a new account. */
export async function scaleScene(server: TestServer, label: string, day: string): Promise<ScaleScene> {
  const surname = uniqueWord("Q");
  const doctor = await newDoctor(server, { name: `${label} ${surname}` });
  const slot = await addSlot(server, doctor.token, { day, start: "09:00" });
  const owner = await registerAndSignIn(server);
  const patient = await newPatient(server, owner.token);
  return {
    doctor,
    surname,
    slotId: slot.id,
    ownerToken: owner.token,
    patientId: patient.id,
    date: nextWeekday(day),
  };
}

/** The scene's patient books the scene's sitting: 201. */
export async function bookScene(server: TestServer, scene: ScaleScene): Promise<void> {
  const booked = await post(server, "/patient/new_appointment", scene.ownerToken, {
    slot_id: scene.slotId,
    patient_id: scene.patientId,
    date: scene.date,
  });
  expect(booked.status).toBe(201);
}

/** The doctor's description as GET /doctors/get/{id} answers it on `server`. */
export async function descriptionOn(server: TestServer, doctorId: number): Promise<string> {
  return ((await (await get(server, `/doctors/get/${doctorId}`)).json()) as { description: string })
    .description;
}

/** The doctor changes its description (PATCH /doctors/info): 200. */
export async function changeDescription(
  server: TestServer,
  doctorToken: string,
  description: string,
): Promise<void> {
  const changed = await server.request("/doctors/info", {
    method: "PATCH",
    headers: auth(doctorToken, { "content-type": "application/json" }),
    body: JSON.stringify({ description }),
  });
  expect(changed.status).toBe(200);
}

/** Until a search for `q` finds the doctor (with `description`, when given); false after the bound. */
export function searchFinds(
  server: TestServer,
  q: string,
  doctorId: number,
  description?: string,
  timeoutMs?: number,
): Promise<boolean> {
  return eventually(async () => {
    const page = (await (await get(server, `/misc/doctors/search?q=${q}`)).json()) as {
      data: { id: number; description: string }[];
    };
    return page.data.some(
      (d) => d.id === doctorId && (description === undefined || d.description === description),
    );
  }, timeoutMs);
}

/**
 * The whole flow: book, read the profile until its cache entry is where `cachedThere` looks (the
 * projector drops the doctor's keys again once it has run the events of the scene: read until one
 * stays), change it and see the change at once, then in search.
 */
export async function bookReadChangeSearch(
  server: TestServer,
  options: { label: string; day: string; cachedThere(doctorId: number): Promise<boolean> },
): Promise<ScaleScene> {
  const scene = await scaleScene(server, options.label, options.day);
  await bookScene(server, scene);
  const { id } = scene.doctor;
  expect(await descriptionOn(server, id)).toBe("GP");
  expect(
    await eventually(async () => {
      await descriptionOn(server, id);
      return options.cachedThere(id);
    }),
  ).toBe(true);
  const changed = `${options.label}, weekdays`;
  await changeDescription(server, scene.doctor.token, changed);
  expect(await descriptionOn(server, id)).toBe(changed);
  expect(await searchFinds(server, scene.surname, id, changed)).toBe(true);
  return scene;
}
