import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { type App, applyBodyLimit, createBaseApp } from "../adapters/http/app.js";
import { ClientAddresses } from "../adapters/http/client-address.js";
import { KnownRoutes } from "../adapters/http/known-routes.js";
import { limitAttempts } from "../adapters/http/limits.js";
import { registerAdminRoutes } from "../adapters/http/routes/admin.routes.js";
import { registerAuthRoutes } from "../adapters/http/routes/auth.routes.js";
import { registerCalendarRoutes } from "../adapters/http/routes/calendar.routes.js";
import { registerCatalogRoutes } from "../adapters/http/routes/catalog.routes.js";
import { registerDocsRoutes } from "../adapters/http/routes/docs.routes.js";
import { registerDoctorRoutes } from "../adapters/http/routes/doctors.routes.js";
import { isUploadPath, registerMediaRoutes, uploadBodyBytes } from "../adapters/http/routes/media.routes.js";
import { registerNotificationRoutes } from "../adapters/http/routes/notifications.routes.js";
import { registerPasswordResetRoutes } from "../adapters/http/routes/password-reset.routes.js";
import { registerPatientRoutes } from "../adapters/http/routes/patients.routes.js";
import { registerReviewRoutes } from "../adapters/http/routes/reviews.routes.js";
import { registerScheduleRoutes } from "../adapters/http/routes/schedule.routes.js";
import { registerSearchRoutes } from "../adapters/http/routes/search.routes.js";
import { registerSystemRoutes } from "../adapters/http/routes/system.routes.js";
import { registerUserRoutes } from "../adapters/http/routes/users.routes.js";
import { registerVisitRoutes } from "../adapters/http/routes/visits.routes.js";
import { registerWaitlistRoutes } from "../adapters/http/routes/waitlist.routes.js";
import { registerWebhookRoutes } from "../adapters/http/routes/webhooks.routes.js";
import { applySecurity } from "../adapters/http/security.js";
import { shedLoad } from "../adapters/http/shed-load.js";
import { isPostgresUnavailable } from "../adapters/postgres/unavailable.js";
import { ChangePassword } from "../application/commands/accounts/change-password.js";
import { EraseAccount } from "../application/commands/accounts/erase-account.js";
import { RevokeSession, SignOutEverywhere } from "../application/commands/accounts/manage-sessions.js";
import { MarkNotificationsRead } from "../application/commands/accounts/mark-notifications-read.js";
import {
  ConfirmPasswordReset,
  RequestPasswordReset,
} from "../application/commands/accounts/password-reset.js";
import { RegisterUser } from "../application/commands/accounts/register-user.js";
import { SignIn } from "../application/commands/accounts/sign-in.js";
import { SignOut } from "../application/commands/accounts/sign-out.js";
import { BookAppointment } from "../application/commands/booking/book-appointment.js";
import {
  CancelAppointment,
  CancelAppointmentByDoctor,
} from "../application/commands/booking/cancel-appointment.js";
import { RescheduleAppointment } from "../application/commands/booking/reschedule-appointment.js";
import { JoinWaitlist, LeaveWaitlist } from "../application/commands/booking/waitlist.js";
import { IssueCalendarFeed } from "../application/commands/calendar/issue-calendar-feed.js";
import { AddQualifications } from "../application/commands/doctors/add-qualifications.js";
import { AddSpecializations } from "../application/commands/doctors/add-specializations.js";
import { ChangeDoctorImage } from "../application/commands/doctors/change-doctor-image.js";
import { ChangeDoctorProfile } from "../application/commands/doctors/change-doctor-profile.js";
import { ChangeDoctorVerification } from "../application/commands/doctors/change-doctor-verification.js";
import { ChangeSpecializationImage } from "../application/commands/doctors/change-specialization-image.js";
import { RegisterDoctor } from "../application/commands/doctors/register-doctor.js";
import {
  RemoveQualification,
  RemoveSpecialization,
} from "../application/commands/doctors/remove-from-profile.js";
import { ChangePatient } from "../application/commands/patients/change-patient.js";
import { DeletePatient } from "../application/commands/patients/delete-patient.js";
import { RegisterPatient } from "../application/commands/patients/register-patient.js";
import { AddSlot } from "../application/commands/schedule/add-slot.js";
import { ChangeSlot } from "../application/commands/schedule/change-slot.js";
import { RetireSlot } from "../application/commands/schedule/retire-slot.js";
import { RemoveTimeOff, TakeTimeOff } from "../application/commands/schedule/time-off.js";
import { ChangeVisitStatus } from "../application/commands/visits/change-visit-status.js";
import { RateAppointment } from "../application/commands/visits/rate-appointment.js";
import { SessionQueries } from "../application/queries/accounts/session.queries.js";
import { UserQueries } from "../application/queries/accounts/user.queries.js";
import { CalendarQueries } from "../application/queries/calendar/calendar.queries.js";
import { CatalogQueries } from "../application/queries/doctors/catalog.queries.js";
import { DoctorQueries } from "../application/queries/doctors/doctor.queries.js";
import { DoctorSearch } from "../application/queries/doctors/doctor-search.service.js";
import { PatientQueries } from "../application/queries/patients/patient.queries.js";
import { VisitQueries } from "../application/queries/visits/visit.queries.js";
import { Webhooks } from "../application/webhooks/webhooks.js";
import { projectRoot } from "../config.js";
import { AUTHENTICATOR, type Authenticator } from "../ports/authenticator.js";
import { HEALTH_CHECKS } from "../ports/health.js";
import { IMAGE_URLS } from "../ports/image-urls.js";
import { MEDIA_STORE } from "../ports/media-store.js";
import {
  type AttemptLimiter,
  PASSWORD_RESET_CLIENT_LIMITER,
  REGISTRATION_LIMITER,
  SEARCH_LIMITER,
  UPLOAD_LIMITER,
} from "../ports/rate-limiter.js";
import type { Runtime } from "./runtime.js";

/**
 * The API on a Node HTTP server. A request that says `Expect: 100-continue` is told to go on only when
 * its declared body fits the route's limit; otherwise the app answers 413 at once (and closes), so
 * the client never sends a body that is already refused.
 */
export function serveHttp(
  runtime: Runtime,
  address: { port: number; hostname: string },
  onListening?: (info: AddressInfo) => void,
): ServerType {
  const { config } = runtime;
  const app = buildHttpApp(runtime);
  const server = serve({ fetch: app.fetch, ...address }, onListening);
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://local").pathname;
    const limit = isUploadPath(path) ? uploadBodyBytes(config.MAX_UPLOAD_BYTES) : config.MAX_BODY_BYTES;
    if (Number(req.headers["content-length"] ?? 0) <= limit) res.writeContinue();
    server.emit("request", req, res);
  });
  return server;
}

/** Every route, with the handlers it uses resolved from the container (so a missing binding fails at start). */
export function buildHttpApp(runtime: Runtime): App {
  const { container, config, logger } = runtime;
  const knownRoutes = new KnownRoutes();
  const app = createBaseApp({ logger, isUnavailable: isPostgresUnavailable, knownRoutes });
  applySecurity(app, { corsOrigins: config.CORS_ORIGINS, knownRoutes });
  // Before any work: an overloaded process refuses at once (the probes are always answered).
  const shedding = shedLoad({
    maxInFlight: config.SHED_MAX_IN_FLIGHT,
    maxEventLoopDelayMs: config.SHED_MAX_EVENT_LOOP_DELAY_MS,
    exempt: ["/health", "/ready"],
    logger,
  });
  app.use(shedding.middleware);
  applyBodyLimit(app, { maxBodyBytes: config.MAX_BODY_BYTES, ownsBodyLimit: isUploadPath });
  registerSystemRoutes(app, { healthChecks: container.get(HEALTH_CHECKS), logger });
  registerCatalogRoutes(app, { catalog: container.get(CatalogQueries) });
  const authenticator = container.get<Authenticator>(AUTHENTICATOR);
  const clients = new ClientAddresses(config.TRUSTED_PROXIES);
  const perClient = (token: symbol, detail: string) =>
    limitAttempts(container.get<AttemptLimiter>(token), (c) => clients.of(c), detail);
  const registrationLimit = perClient(
    REGISTRATION_LIMITER,
    "Too many accounts created from here; try again later.",
  );
  registerAuthRoutes(app, {
    authenticator,
    signIn: container.get(SignIn),
    signOut: container.get(SignOut),
    sessions: container.get(SessionQueries),
    revokeSession: container.get(RevokeSession),
    signOutEverywhere: container.get(SignOutEverywhere),
    clients,
  });
  registerPasswordResetRoutes(app, {
    requestPasswordReset: container.get(RequestPasswordReset),
    confirmPasswordReset: container.get(ConfirmPasswordReset),
    resetLimit: perClient(
      PASSWORD_RESET_CLIENT_LIMITER,
      "Too many password resets from here; try again later.",
    ),
  });
  registerUserRoutes(app, {
    authenticator,
    registerUser: container.get(RegisterUser),
    userQueries: container.get(UserQueries),
    changePassword: container.get(ChangePassword),
    eraseAccount: container.get(EraseAccount),
    clients,
    registrationLimit,
  });
  registerDoctorRoutes(app, {
    authenticator,
    doctors: container.get(DoctorQueries),
    patients: container.get(PatientQueries),
    registerDoctor: container.get(RegisterDoctor),
    addSlot: container.get(AddSlot),
    addSpecializations: container.get(AddSpecializations),
    addQualifications: container.get(AddQualifications),
    changeProfile: container.get(ChangeDoctorProfile),
    changeSlot: container.get(ChangeSlot),
    removeSpecialization: container.get(RemoveSpecialization),
    removeQualification: container.get(RemoveQualification),
    registrationLimit,
  });
  registerSearchRoutes(app, {
    search: container.get(DoctorSearch),
    searchLimit: perClient(SEARCH_LIMITER, "Too many searches from here; slow down."),
  });
  registerPatientRoutes(app, {
    authenticator,
    patients: container.get(PatientQueries),
    registerPatient: container.get(RegisterPatient),
    bookAppointment: container.get(BookAppointment),
    cancelAppointment: container.get(CancelAppointment),
    changePatient: container.get(ChangePatient),
    deletePatient: container.get(DeletePatient),
    rescheduleAppointment: container.get(RescheduleAppointment),
  });
  const visits = container.get(VisitQueries);
  const patients = container.get(PatientQueries);
  registerVisitRoutes(app, {
    authenticator,
    visits,
    patients,
    changeVisitStatus: container.get(ChangeVisitStatus),
  });
  registerReviewRoutes(app, {
    authenticator,
    visits,
    rateAppointment: container.get(RateAppointment),
  });
  registerWaitlistRoutes(app, {
    authenticator,
    joinWaitlist: container.get(JoinWaitlist),
    leaveWaitlist: container.get(LeaveWaitlist),
  });
  registerNotificationRoutes(app, {
    authenticator,
    visits,
    markNotificationsRead: container.get(MarkNotificationsRead),
  });
  registerMediaRoutes(app, {
    authenticator,
    doctors: container.get(DoctorQueries),
    changeDoctorImage: container.get(ChangeDoctorImage),
    changeSpecializationImage: container.get(ChangeSpecializationImage),
    media: container.get(MEDIA_STORE),
    urls: container.get(IMAGE_URLS),
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    uploadsLimit: limitAttempts(
      container.get<AttemptLimiter>(UPLOAD_LIMITER),
      (c) => `user:${c.get("principal").userId}`,
      "Too many pictures uploaded by this account; try again later.",
    ),
  });
  registerCalendarRoutes(app, {
    authenticator,
    calendars: container.get(CalendarQueries),
    issueCalendarFeed: container.get(IssueCalendarFeed),
  });
  registerWebhookRoutes(app, { authenticator, webhooks: container.get(Webhooks) });
  // Listed late: closing sittings and retiring slots come after every route that books, for suites that
  // walk the document in order (hostile input).
  registerScheduleRoutes(app, {
    authenticator,
    doctors: container.get(DoctorQueries),
    patients: container.get(PatientQueries),
    takeTimeOff: container.get(TakeTimeOff),
    removeTimeOff: container.get(RemoveTimeOff),
    retireSlot: container.get(RetireSlot),
    cancelByDoctor: container.get(CancelAppointmentByDoctor),
  });
  // Listed last: suites that walk the document in order (hostile input) may suspend a doctor there,
  // which then comes after every route that books.
  registerAdminRoutes(app, {
    authenticator,
    doctors: container.get(DoctorQueries),
    changeDoctorVerification: container.get(ChangeDoctorVerification),
  });
  registerDocsRoutes(app, { publicDir: `${projectRoot}/public`, title: "Doctorly API", version: "1.0.0" });
  knownRoutes.learn(app);
  return app;
}
