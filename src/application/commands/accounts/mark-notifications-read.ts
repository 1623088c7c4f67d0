import { ok, type Result } from "../../../domain/shared/result.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { Clock } from "../../../ports/clock.js";
import type { NotificationInbox } from "../../../ports/notification-inbox.js";

/**
 * POST /users/notifications/read: the caller's notifications named by `ids` (all of them by default)
 * become read. Other accounts' ids are ignored, never refused, so the answer reveals nothing about them.
 */
export class MarkNotificationsRead {
  constructor(
    private readonly inbox: NotificationInbox,
    private readonly clock: Clock,
  ) {}

  async execute(
    principal: Principal,
    ids: readonly number[] | undefined,
  ): Promise<Result<{ unread: number }>> {
    const unique = ids === undefined ? null : [...new Set(ids)];
    const unread = await this.inbox.markRead(principal.userId, unique, this.clock.now());
    return ok({ unread });
  }
}
