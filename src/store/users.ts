// Console users (operators, specialists, admins) and their presence: connected consoles, status and the load
// routing assigns by.
import type { Raw, StoreBase } from './core.ts';
import { USER_SELECT, toUser } from './rows.ts';

/** A supervisor sees the reports of their court and handles no tickets (src/reports/access.ts). */
export type Role = 'admin' | 'operator' | 'specialist' | 'supervisor';

export interface UserRow {
  id: number;
  login: string;
  name: string;
  role: Role;
  courtId: number | null;
  sipExtension: string | null;
  languages: string[];
  maxConcurrent: number;
  title: string | null;
  active: boolean;
}

export interface OperatorLoad {
  userId: number;
  online: boolean;
  status: 'available' | 'away';
  openTickets: number;
  maxConcurrent: number;
  lastAssignedAt: number | null;
}

export function UserQueries<B extends StoreBase>(Base: B) {
  abstract class Users extends Base {
    createUser(
      u: {
        login: string;
        name: string;
        role: Role;
        passwordHash: string;
        courtId?: number | null;
        sipExtension?: string | null;
        languages?: string[];
        maxConcurrent?: number;
        title?: string | null;
      },
      now: number,
    ): number {
      const id = Number(
        this.q(
          `INSERT INTO users (login, name, role, password_hash, court_id, sip_extension, languages, max_concurrent, title, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          u.login,
          u.name,
          u.role,
          u.passwordHash,
          u.courtId ?? null,
          u.sipExtension ?? null,
          (u.languages ?? ['kk', 'ru']).join(','),
          u.maxConcurrent ?? 10,
          u.title ?? null,
          now,
        ).lastInsertRowid,
      );
      this.q(`INSERT INTO presence (user_id, offline_since) VALUES (?, ?)`).run(id, now);
      return id;
    }
    getUser(id: number): UserRow | undefined {
      return toUser(this.q(`${USER_SELECT} WHERE id = ?`).get(id) as Raw);
    }
    getUserByLogin(login: string): UserRow | undefined {
      return toUser(this.q(`${USER_SELECT} WHERE login = ?`).get(login) as Raw);
    }
    getPasswordHash(userId: number): string | undefined {
      return (this.q(`SELECT password_hash AS h FROM users WHERE id = ?`).get(userId) as { h: string } | undefined)?.h;
    }
    listUsers(): UserRow[] {
      return this.q(`${USER_SELECT} ORDER BY id`)
        .all()
        .map((r) => toUser(r as Raw)!);
    }
    countUsers(): number {
      return (this.q(`SELECT count(*) AS n FROM users`).get() as { n: number }).n;
    }
    countActiveAdmins(): number {
      return (this.q(`SELECT count(*) AS n FROM users WHERE role = 'admin' AND active = 1`).get() as { n: number }).n;
    }
    updateUser(id: number, u: Partial<Omit<UserRow, 'id' | 'login'> & { passwordHash: string }>) {
      const cols: Record<string, unknown> = {
        name: u.name,
        role: u.role,
        password_hash: u.passwordHash,
        court_id: u.courtId,
        sip_extension: u.sipExtension,
        languages: u.languages?.join(','),
        max_concurrent: u.maxConcurrent,
        title: u.title,
        active: u.active === undefined ? undefined : Number(u.active),
      };
      const set = Object.entries(cols).filter(([, v]) => v !== undefined);
      if (!set.length) return;
      this.q(`UPDATE users SET ${set.map(([k]) => `${k} = ?`).join(', ')} WHERE id = ?`).run(...set.map(([, v]) => v), id);
      if (u.active === false) {
        this.q(`DELETE FROM sessions WHERE user_id = ?`).run(id);
        // Nobody will send their unsent drafts, which may quote citizens: they go now, and a reactivation does not
        // bring them back.
        this.q(`DELETE FROM ticket_drafts WHERE user_id = ?`).run(id);
      }
    }
    // ---- presence
    /** Called at start: nobody has a console connected yet. */
    resetConnections(now: number) {
      this.q(`UPDATE presence SET connections = 0, offline_since = coalesce(offline_since, ?)`).run(now);
    }
    changeConnections(userId: number, delta: 1 | -1, now: number): number {
      this.q(
        `UPDATE presence SET connections = max(0, connections + ?),
         offline_since = CASE WHEN max(0, connections + ?) = 0 THEN ? ELSE NULL END WHERE user_id = ?`,
      ).run(delta, delta, now, userId);
      return (this.q(`SELECT connections AS n FROM presence WHERE user_id = ?`).get(userId) as { n: number }).n;
    }
    setPresenceStatus(userId: number, status: 'available' | 'away') {
      this.q(`UPDATE presence SET status = ? WHERE user_id = ?`).run(status, userId);
    }
    getPresence(userId: number): { status: 'available' | 'away'; connections: number } | undefined {
      return this.q(`SELECT status, connections FROM presence WHERE user_id = ?`).get(userId) as never;
    }
    markAssigned(userId: number, now: number) {
      this.q(`UPDATE presence SET last_assigned_at = ? WHERE user_id = ?`).run(now, userId);
    }
    /** The court's active operators with their load: the input of routing's assignment. */
    operatorLoads(courtId: number): OperatorLoad[] {
      // An operator without a court serves every court.
      return this.q(
        `SELECT u.id AS userId, p.connections > 0 AS online, p.status, u.max_concurrent AS maxConcurrent,
           p.last_assigned_at AS lastAssignedAt,
           (SELECT count(*) FROM tickets t WHERE t.assignee_id = u.id AND t.status != 'resolved' AND t.status = 'open') AS openTickets
         FROM users u JOIN presence p ON p.user_id = u.id
         WHERE u.role = 'operator' AND u.active = 1 AND (u.court_id = ? OR u.court_id IS NULL)`,
      )
        .all(courtId)
        .map((r) => ({ ...(r as OperatorLoad), online: !!(r as Raw).online }));
    }
    /** Operators offline since before `cutoff`, with open tickets they have not answered yet. */
    offlineOperatorsWithUnanswered(cutoff: number): { userId: number; ticketId: number }[] {
      return this.q(
        // From the few offline operators to their live tickets (tickets_mine), never over every ticket ever assigned
        // nor every open ticket: the unary + keeps SQLite from reading by status instead.
        `SELECT t.assignee_id AS userId, t.id AS ticketId FROM presence p CROSS JOIN tickets t ON t.assignee_id = p.user_id
         WHERE p.connections = 0 AND p.offline_since <= ? AND t.status != 'resolved' AND +t.status = 'open' AND t.first_response_at IS NULL`,
      ).all(cutoff) as never;
    }
  }
  return Users;
}
