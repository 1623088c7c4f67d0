import type { DoctorSearchPage, PublicDoctor } from "../../src/ports/doctor-search.js";

/** The Doctors of a search page, parsed (the app answers their JSON text as is and never parses it). */
export const doctorsOf = (page: DoctorSearchPage): PublicDoctor[] =>
  page.doctorsJson.map((json) => JSON.parse(json) as PublicDoctor);
