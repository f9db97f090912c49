// Every label of the console in Russian and Kazakh, merged from the parts' files. Each part types its Kazakh
// labels against its Russian ones, so a missing label fails the build; a key defined by two parts fails a test.
import core from './core.ts';
import admin from './admin.ts';
import list from './list.ts';
import ticket from './ticket.ts';
import worktime from './worktime.ts';
import notify from './notify.ts';
import cleanup from './cleanup.ts';
import ticketview from './ticketview.ts';
import csat from './csat.ts';
import topics from './topics.ts';
import reports from './reports.ts';
import calls from './calls.ts';
import callbacks from './callbacks.ts';
import announcements from './announcements.ts';

export const PARTS = {
  core,
  admin,
  list,
  ticket,
  worktime,
  notify,
  cleanup,
  ticketview,
  csat,
  topics,
  reports,
  calls,
  callbacks,
  announcements,
};

export const ru = {
  ...core.ru,
  ...admin.ru,
  ...list.ru,
  ...ticket.ru,
  ...worktime.ru,
  ...notify.ru,
  ...cleanup.ru,
  ...ticketview.ru,
  ...csat.ru,
  ...topics.ru,
  ...reports.ru,
  ...calls.ru,
  ...callbacks.ru,
  ...announcements.ru,
};

export type Key = keyof typeof ru;

export const kk: Record<Key, string> = {
  ...core.kk,
  ...admin.kk,
  ...list.kk,
  ...ticket.kk,
  ...worktime.kk,
  ...notify.kk,
  ...cleanup.kk,
  ...ticketview.kk,
  ...csat.kk,
  ...topics.kk,
  ...reports.kk,
  ...calls.kk,
  ...callbacks.kk,
  ...announcements.kk,
};
