// Versioned schema migrations, applied in order at start; PRAGMA user_version holds the applied version.
export const MIGRATIONS: string[] = [
  /* 1: the ticket core */ `
  CREATE TABLE courts (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_ru TEXT NOT NULL,
    name_kk TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    sla_first_response_min INTEGER NOT NULL DEFAULT 120,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin','operator','specialist')),
    password_hash TEXT NOT NULL,
    court_id INTEGER REFERENCES courts(id),
    sip_extension TEXT,
    languages TEXT NOT NULL DEFAULT 'kk,ru',
    max_concurrent INTEGER NOT NULL DEFAULT 10,
    title TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE presence (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available','away')),
    connections INTEGER NOT NULL DEFAULT 0,
    offline_since INTEGER,
    last_assigned_at INTEGER
  );
  CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    name TEXT,
    name_search TEXT,
    iin TEXT,
    language TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE contact_identities (
    kind TEXT NOT NULL CHECK (kind IN ('phone','email','whatsapp')),
    address TEXT NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (kind, address)
  ) WITHOUT ROWID;
  CREATE INDEX contact_identities_contact ON contact_identities(contact_id);
  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL,
    court_id INTEGER NOT NULL REFERENCES courts(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    channel TEXT NOT NULL,
    account TEXT,
    subject TEXT,
    status TEXT NOT NULL CHECK (status IN ('open','waiting','out_of_scope','resolved')),
    assignee_id INTEGER REFERENCES users(id),
    specialist_id INTEGER REFERENCES users(id),
    case_number TEXT,
    language TEXT,
    scope_verdict TEXT,
    scope_score REAL,
    scope_flagged INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_inbound_at INTEGER,
    first_response_at INTEGER,
    first_response_due_at INTEGER,
    resolved_at INTEGER,
    offhours_reply_for INTEGER
  );
  CREATE INDEX tickets_court_status ON tickets(court_id, status);
  CREATE INDEX tickets_contact ON tickets(contact_id, status);
  -- Partial: most new tickets have neither, so creating them touches no page of these indexes.
  CREATE INDEX tickets_assignee ON tickets(assignee_id, status) WHERE assignee_id IS NOT NULL;
  CREATE INDEX tickets_specialist ON tickets(specialist_id, status) WHERE specialist_id IS NOT NULL;
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    direction TEXT NOT NULL CHECK (direction IN ('in','out','note')),
    channel TEXT NOT NULL,
    external_id TEXT,
    contact_id INTEGER REFERENCES contacts(id),
    author_id INTEGER REFERENCES users(id),
    auto TEXT,
    text TEXT NOT NULL,
    html TEXT,
    subject TEXT,
    email_refs TEXT,
    delivery_status TEXT CHECK (delivery_status IN ('queued','sent','delivered','read','failed')),
    delivery_error TEXT,
    scope_flag INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX messages_channel_external ON messages(channel, external_id) WHERE external_id IS NOT NULL;
  CREATE INDEX messages_ticket ON messages(ticket_id, id);
  CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='', contentless_delete=1, tokenize='trigram');
  CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT,
    dropped_reason TEXT
  );
  CREATE INDEX attachments_message ON attachments(message_id);
  CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    message_id INTEGER REFERENCES messages(id),
    call_id TEXT NOT NULL UNIQUE,
    from_number TEXT NOT NULL,
    to_number TEXT NOT NULL,
    outcome TEXT NOT NULL,
    operator_id INTEGER REFERENCES users(id),
    started_at INTEGER NOT NULL,
    answered_at INTEGER,
    ended_at INTEGER,
    callback_due_at INTEGER,
    callback_done_at INTEGER
  );
  CREATE TABLE escalations (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    from_user_id INTEGER NOT NULL REFERENCES users(id),
    to_user_id INTEGER NOT NULL REFERENCES users(id),
    question TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','answered','returned','passed')),
    created_at INTEGER NOT NULL,
    closed_at INTEGER
  );
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),
    channel TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','sent','failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    entity TEXT,
    entity_id INTEGER,
    details TEXT,
    ip TEXT
  );
  CREATE INDEX audit_entity ON audit_log(entity, entity_id);
  CREATE TABLE channel_state (
    channel TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (channel, key)
  );
  `,
  /* 2: per-court calendar changes by admins; when a ticket's first-response deadline was found breached */ `
  CREATE TABLE calendar_overrides (
    court_id INTEGER NOT NULL REFERENCES courts(id),
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('off','working')),
    note TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (court_id, date)
  );
  ALTER TABLE tickets ADD COLUMN sla_breached_at INTEGER;
  CREATE INDEX tickets_sla_due ON tickets(first_response_due_at) WHERE first_response_at IS NULL AND sla_breached_at IS NULL;
  `,
  /* 3: the court's case directory (who handles which case) and escalation timers */ `
  CREATE TABLE case_assignments (
    case_number TEXT PRIMARY KEY,
    court_id INTEGER NOT NULL REFERENCES courts(id),
    judge TEXT,
    specialist_id INTEGER NOT NULL REFERENCES users(id),
    updated_at INTEGER NOT NULL
  );
  ALTER TABLE escalations ADD COLUMN pickup_due_at INTEGER;
  ALTER TABLE escalations ADD COLUMN answer_due_at INTEGER;
  ALTER TABLE escalations ADD COLUMN picked_up_at INTEGER;
  ALTER TABLE escalations ADD COLUMN answered_at INTEGER;
  ALTER TABLE escalations ADD COLUMN pickup_alerted_at INTEGER;
  ALTER TABLE escalations ADD COLUMN answer_alerted_at INTEGER;
  CREATE INDEX escalations_ticket ON escalations(ticket_id, status);
  `,
  /* 4: canned answers, managed by admins */ `
  CREATE TABLE canned_answers (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    lang TEXT NOT NULL CHECK (lang IN ('kk','ru')),
    text TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  /* 5: the court-queue index also serves the first-response deadline watch: a new ticket writes one index page less */ `
  DROP INDEX tickets_sla_due;
  DROP INDEX tickets_court_status;
  CREATE INDEX tickets_court_status ON tickets(court_id, status, first_response_due_at);
  `,
  /* 6: a court's own working week, as JSON {"1":[{"start":"09:00","end":"13:00"}],…,"7":[]}; NULL keeps the default week */ `
  ALTER TABLE courts ADD COLUMN week_hours TEXT;
  `,
  /* 7: a ticket's calls, read with the ticket and by the dispatcher */ `
  CREATE INDEX calls_ticket ON calls(ticket_id, outcome);
  `,
  /*
   * 8: the outbox records an attempt before it is made (status 'sending', last_attempt_at) and retries for a time
   * counted from queued_at (set again by an operator's retry); demo tickets are marked, and the outbox never sends
   * on them. Demo data loaded before this (account 'demo') is marked too. SQLite cannot change a CHECK: the table
   * is rebuilt.
   */ `
  CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),
    channel TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','sending','sent','failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_attempt_at INTEGER,
    last_error TEXT,
    queued_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  INSERT INTO outbox_new (id, message_id, channel, payload, status, attempts, next_attempt_at, last_error, queued_at, created_at, updated_at)
    SELECT id, message_id, channel, payload, status, attempts, next_attempt_at, last_error, created_at, created_at, updated_at FROM outbox;
  DROP TABLE outbox;
  ALTER TABLE outbox_new RENAME TO outbox;
  CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
  ALTER TABLE tickets ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
  UPDATE tickets SET demo = 1 WHERE account = 'demo';
  `,
  /* 9: the audit screen's filters (user, action, ticket, date range), newest first, are index range reads on a large log */ `
  DROP INDEX audit_entity;
  CREATE INDEX audit_entity ON audit_log(entity, entity_id, at);
  CREATE INDEX audit_user ON audit_log(user_id, at);
  CREATE INDEX audit_action ON audit_log(action, at);
  CREATE INDEX audit_at ON audit_log(at);
  `,
  /*
   * 10: the appeal filter's own decision, kept as it saw it (operators change scope_verdict and scope_flagged later):
   * its verdict, whether it flagged, the cues that fired and the features that weighed most (JSON), and the model.
   * Operators' corrections become labelled examples (scope_decisions), with the text the filter classified: the
   * ticket's first written inbound message. Overrules made before this are taken over from the audit log, and
   * their tickets' filter verdict set back to "appeal" (the filter's flag is known only where no later message was
   * flagged too).
   */ `
  ALTER TABLE tickets ADD COLUMN scope_model_verdict TEXT;
  ALTER TABLE tickets ADD COLUMN scope_model_flagged INTEGER;
  ALTER TABLE tickets ADD COLUMN scope_reasons TEXT;
  ALTER TABLE tickets ADD COLUMN scope_contributions TEXT;
  ALTER TABLE tickets ADD COLUMN scope_model TEXT;
  CREATE TABLE scope_decisions (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    message_id INTEGER REFERENCES messages(id),
    text TEXT,
    label TEXT NOT NULL CHECK (label IN ('appeal','in_scope')),
    source TEXT NOT NULL CHECK (source IN ('overrule','marked_appeal')),
    score REAL,
    verdict TEXT,
    flagged INTEGER,
    model TEXT,
    language TEXT,
    user_id INTEGER REFERENCES users(id),
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX scope_decisions_ticket ON scope_decisions(ticket_id, id);
  CREATE INDEX scope_decisions_at ON scope_decisions(created_at);
  UPDATE tickets SET
    scope_model_verdict = CASE WHEN EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'ticket' AND a.entity_id = tickets.id AND a.action = 'ticket.scope_overruled')
      THEN 'appeal' ELSE scope_verdict END,
    scope_model_flagged = scope_flagged AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = tickets.id AND m.scope_flag = 1)
  WHERE scope_score IS NOT NULL;
  INSERT INTO scope_decisions (ticket_id, message_id, text, label, source, score, verdict, flagged, model, language, user_id, reason, created_at)
    SELECT t.id, m.id, m.text, 'in_scope', 'overrule', t.scope_score, 'appeal', 0, NULL, t.language, a.user_id,
      coalesce(json_extract(a.details, '$.reason'), ''), a.at
    FROM audit_log a JOIN tickets t ON t.id = a.entity_id
    LEFT JOIN messages m ON m.id = (SELECT f.id FROM messages f WHERE f.ticket_id = t.id AND f.direction = 'in' AND trim(f.text) != ''
      AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.message_id = f.id) ORDER BY f.id LIMIT 1)
    WHERE a.action = 'ticket.scope_overruled' AND a.entity = 'ticket'
    ORDER BY a.id;
  `,
  /*
   * 11: retention (src/retention): when a ticket's personal content was anonymised, a contact anonymised, an
   * attachment removed. Attachment files are content-addressed: the index finds whether any row still refers to a
   * file before it is deleted.
   */ `
  ALTER TABLE tickets ADD COLUMN anonymised_at INTEGER;
  ALTER TABLE contacts ADD COLUMN anonymised_at INTEGER;
  ALTER TABLE attachments ADD COLUMN removed_at INTEGER;
  CREATE INDEX attachments_sha256 ON attachments(sha256) WHERE sha256 IS NOT NULL;
  `,
  /*
   * 12: every queue page (src/store/queues.ts) is a merge of index range reads already in (updated_at DESC, id DESC)
   * order, and its counters are kept by triggers in the transaction of each ticket change. The indexes are split by
   * status: the four over resolved tickets (the bulk) change only when a ticket is resolved, reopened or moved; ingest
   * touches one index page for the tickets not resolved ("live": few, so one court's page is read from the index of
   * every court, its court a covered column). `id` is written out so that covered columns can follow it without
   * breaking the order. tickets_live also carries what the deadline watch, routing and metrics read of the live
   * tickets, so the older per-court and assignee indexes (written by each new ticket and each assignment) go.
   * Counters: per court, channel, status, "nobody holds it" and "escalated"; per user, court and
   * status for "mine" (a user both assignee and specialist of a ticket counts it once).
   */ `
  CREATE INDEX tickets_live ON tickets(status, updated_at, id, court_id, channel, assignee_id, specialist_id, first_response_due_at,
    first_response_at, sla_breached_at) WHERE status != 'resolved';
  DROP INDEX tickets_court_status;
  DROP INDEX tickets_assignee;
  CREATE INDEX tickets_resolved_court ON tickets(court_id, updated_at, id) WHERE status = 'resolved';
  CREATE INDEX tickets_resolved_court_channel ON tickets(court_id, channel, updated_at, id) WHERE status = 'resolved';
  CREATE INDEX tickets_resolved ON tickets(updated_at, id) WHERE status = 'resolved';
  CREATE INDEX tickets_resolved_channel ON tickets(channel, updated_at, id) WHERE status = 'resolved';
  CREATE INDEX tickets_escalated_court ON tickets(court_id, updated_at, id, status, channel, specialist_id)
    WHERE specialist_id IS NOT NULL AND status != 'resolved';
  CREATE INDEX tickets_escalated ON tickets(updated_at, id, status, channel, specialist_id) WHERE specialist_id IS NOT NULL AND status != 'resolved';
  CREATE INDEX tickets_mine ON tickets(assignee_id, updated_at, id, status, court_id, channel) WHERE assignee_id IS NOT NULL AND status != 'resolved';
  DROP INDEX tickets_specialist;
  CREATE INDEX tickets_specialist ON tickets(specialist_id, updated_at, id, status, court_id, channel, assignee_id) WHERE specialist_id IS NOT NULL;

  CREATE TABLE queue_counts (
    court_id INTEGER NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    unassigned INTEGER NOT NULL,
    escalated INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (court_id, channel, status, unassigned, escalated)
  ) WITHOUT ROWID;
  CREATE TABLE queue_counts_user (
    user_id INTEGER NOT NULL,
    court_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (user_id, court_id, status)
  ) WITHOUT ROWID;
  INSERT INTO queue_counts
    SELECT court_id, channel, status, assignee_id IS NULL, specialist_id IS NOT NULL, count(*) FROM tickets GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO queue_counts_user SELECT user_id, court_id, status, count(*) FROM (
      SELECT assignee_id AS user_id, court_id, status FROM tickets WHERE assignee_id IS NOT NULL
      UNION ALL SELECT specialist_id, court_id, status FROM tickets WHERE specialist_id IS NOT NULL AND specialist_id IS NOT assignee_id)
    GROUP BY 1, 2, 3;

  CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO queue_counts VALUES (new.court_id, new.channel, new.status, new.assignee_id IS NULL, new.specialist_id IS NOT NULL, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO queue_counts_user SELECT new.assignee_id, new.court_id, new.status, 1 WHERE new.assignee_id IS NOT NULL
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO queue_counts_user SELECT new.specialist_id, new.court_id, new.status, 1
      WHERE new.specialist_id IS NOT NULL AND new.specialist_id IS NOT new.assignee_id
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER tickets_count_delete AFTER DELETE ON tickets BEGIN
    UPDATE queue_counts SET n = n - 1 WHERE court_id = old.court_id AND channel = old.channel AND status = old.status
      AND unassigned = (old.assignee_id IS NULL) AND escalated = (old.specialist_id IS NOT NULL);
    UPDATE queue_counts_user SET n = n - 1 WHERE user_id IN (old.assignee_id, old.specialist_id) AND court_id = old.court_id AND status = old.status;
  END;
  -- Only updates that change a counted column run these: a message on a ticket (updated_at) does not.
  CREATE TRIGGER tickets_count_update AFTER UPDATE OF court_id, channel, status, assignee_id, specialist_id ON tickets
    WHEN old.court_id IS NOT new.court_id OR old.channel IS NOT new.channel OR old.status IS NOT new.status
      OR (old.assignee_id IS NULL) IS NOT (new.assignee_id IS NULL) OR (old.specialist_id IS NULL) IS NOT (new.specialist_id IS NULL)
  BEGIN
    UPDATE queue_counts SET n = n - 1 WHERE court_id = old.court_id AND channel = old.channel AND status = old.status
      AND unassigned = (old.assignee_id IS NULL) AND escalated = (old.specialist_id IS NOT NULL);
    INSERT INTO queue_counts VALUES (new.court_id, new.channel, new.status, new.assignee_id IS NULL, new.specialist_id IS NOT NULL, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER tickets_count_user_update AFTER UPDATE OF court_id, status, assignee_id, specialist_id ON tickets
    WHEN old.court_id IS NOT new.court_id OR old.status IS NOT new.status OR old.assignee_id IS NOT new.assignee_id
      OR old.specialist_id IS NOT new.specialist_id
  BEGIN
    UPDATE queue_counts_user SET n = n - 1 WHERE user_id IN (old.assignee_id, old.specialist_id) AND court_id = old.court_id AND status = old.status;
    INSERT INTO queue_counts_user SELECT new.assignee_id, new.court_id, new.status, 1 WHERE new.assignee_id IS NOT NULL
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO queue_counts_user SELECT new.specialist_id, new.court_id, new.status, 1
      WHERE new.specialist_id IS NOT NULL AND new.specialist_id IS NOT new.assignee_id
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  `,
  /*
   * 13: search (src/store/search.ts). Word indexes over text folded by src/search-text.ts (ASCII words, so the
   * ascii tokenizer): message text and contacts' names, written in batches behind the counters 'search.messages'
   * and 'search.contacts' (from 0: existing rows are indexed by the first batches after the upgrade). The old
   * trigram index goes: word prefixes serve the console's searches at half its cost. Phones are found by any
   * tail: the index key is the address reversed. Case numbers by their key without separators.
   */ `
  DROP TABLE messages_fts;
  DELETE FROM counters WHERE name = 'fts';
  ALTER TABLE contacts DROP COLUMN name_search;
  CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='', contentless_delete=1, tokenize='ascii');
  CREATE VIRTUAL TABLE contacts_fts USING fts5(name, content='', contentless_delete=1, tokenize='ascii');
  CREATE INDEX contact_identities_phone_tail ON contact_identities(
    substr(address, 16, 1) || substr(address, 15, 1) || substr(address, 14, 1) || substr(address, 13, 1) || substr(address, 12, 1) || substr(address, 11, 1) || substr(address, 10, 1) || substr(address, 9, 1) || substr(address, 8, 1) || substr(address, 7, 1) || substr(address, 6, 1) || substr(address, 5, 1) || substr(address, 4, 1) || substr(address, 3, 1) || substr(address, 2, 1) || substr(address, 1, 1)
  ) WHERE kind = 'phone';
  CREATE INDEX tickets_case_key ON tickets(lower(replace(replace(replace(replace(replace(case_number, ' ', ''), '-', ''), '/', ''), '.', ''), '–', '')))
    WHERE case_number IS NOT NULL;
  `,
  /*
   * 14: a phone's tails move from an index on contact_identities (a page at a random place written by every new
   * contact's ingest) to their own table, written with the contacts' word index in its half-second batches
   * (src/store/search.ts): ingest no longer pays for it, and a search on the writer indexes what is pending first.
   * The key is the address reversed, so a tail of the number is a prefix of it. The counters' per-user part runs
   * only for a ticket that has a user (ingest makes tickets without one).
   */ `
  DROP INDEX contact_identities_phone_tail;
  CREATE TABLE phone_tails (key TEXT NOT NULL, contact_id INTEGER NOT NULL, PRIMARY KEY (key, contact_id)) WITHOUT ROWID;
  INSERT OR IGNORE INTO phone_tails SELECT
    substr(address, 16, 1) || substr(address, 15, 1) || substr(address, 14, 1) || substr(address, 13, 1) || substr(address, 12, 1) || substr(address, 11, 1) || substr(address, 10, 1) || substr(address, 9, 1) || substr(address, 8, 1) || substr(address, 7, 1) || substr(address, 6, 1) || substr(address, 5, 1) || substr(address, 4, 1) || substr(address, 3, 1) || substr(address, 2, 1) || substr(address, 1, 1), contact_id
    FROM contact_identities WHERE kind = 'phone';
  DROP TRIGGER tickets_count_insert;
  CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO queue_counts VALUES (new.court_id, new.channel, new.status, new.assignee_id IS NULL, new.specialist_id IS NOT NULL, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER tickets_count_user_insert AFTER INSERT ON tickets WHEN new.assignee_id IS NOT NULL OR new.specialist_id IS NOT NULL BEGIN
    INSERT INTO queue_counts_user SELECT new.assignee_id, new.court_id, new.status, 1 WHERE new.assignee_id IS NOT NULL
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO queue_counts_user SELECT new.specialist_id, new.court_id, new.status, 1
      WHERE new.specialist_id IS NOT NULL AND new.specialist_id IS NOT new.assignee_id
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  `,
  /*
   * 15: unread marks, notifications and drafts (src/store/reads.ts). Written only by a user's own actions and by
   * staff actions, never at ingest: unread is derived from the ticket's last message against the user's mark.
   */ `
  CREATE TABLE ticket_reads (
    user_id INTEGER NOT NULL REFERENCES users(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    last_message_id INTEGER NOT NULL,
    PRIMARY KEY (user_id, ticket_id)
  ) WITHOUT ROWID;
  CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    kind TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    read_at INTEGER
  );
  CREATE INDEX notifications_user ON notifications(user_id, id);
  CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
  CREATE INDEX notifications_ticket ON notifications(ticket_id);
  CREATE TABLE ticket_drafts (
    user_id INTEGER NOT NULL REFERENCES users(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'note')),
    text TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, ticket_id)
  ) WITHOUT ROWID;
  CREATE INDEX ticket_drafts_ticket ON ticket_drafts(ticket_id);
  `,
  /*
   * 16: contact merges (src/store/contact-edit.ts): what moved from the merged contact to the kept one (its
   * identities, tickets and messages, and any name, IIN or language the kept one lacked), so an admin can undo it
   * within a day. The merged contact's row stays as it was, for the undo; it has nothing left to find it by.
   */ `
  CREATE TABLE contact_merges (
    id INTEGER PRIMARY KEY,
    kept_id INTEGER NOT NULL REFERENCES contacts(id),
    merged_id INTEGER NOT NULL REFERENCES contacts(id),
    moved TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    at INTEGER NOT NULL,
    undone_at INTEGER,
    undone_by INTEGER REFERENCES users(id)
  );
  CREATE INDEX contact_merges_kept ON contact_merges(kept_id, at);
  CREATE INDEX contact_merges_merged ON contact_merges(merged_id) WHERE undone_at IS NULL;
  `,
  /*
   * 17: topics an operator tags a ticket with (src/store/topics.ts), managed by admins, and the role 'supervisor'
   * (reports of their court, no tickets). A tag carries its ticket's court and creation time, so "tickets by
   * topic for a court and a period" is one range read of ticket_topics_report; tagging is a staff action, never
   * ingest's, and a ticket's court change updates its tags in the same transaction. SQLite cannot change the CHECK on
   * users.role: the table is rebuilt the documented way (foreign keys off around the migration, checked before
   * commit: src/store/core.ts), keeping every id, so the rows that refer to users stay valid.
   */ `
  CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    name_ru TEXT NOT NULL,
    name_kk TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE ticket_topics (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    court_id INTEGER NOT NULL,
    ticket_created_at INTEGER NOT NULL,
    tagged_by INTEGER REFERENCES users(id),
    tagged_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, topic_id)
  ) WITHOUT ROWID;
  CREATE INDEX ticket_topics_report ON ticket_topics(court_id, ticket_created_at, topic_id);
  INSERT INTO topics (name_ru, name_kk, position, created_at, updated_at) VALUES
    ('Дата судебного заседания', 'Сот отырысының күні', 1, 0, 0),
    ('Копия судебного акта', 'Сот актісінің көшірмесі', 2, 0, 0),
    ('Smart Sot / участие по видеосвязи', 'Smart Sot / бейнебайланыс арқылы қатысу', 3, 0, 0),
    ('Государственная пошлина', 'Мемлекеттік баж', 4, 0, 0),
    ('Статус дела', 'Істің жай-күйі', 5, 0, 0),
    ('Документы', 'Құжаттар', 6, 0, 0),
    ('Жалоба на сотрудников', 'Қызметкерлерге шағым', 7, 0, 0);
  CREATE TABLE users_new (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin','operator','specialist','supervisor')),
    password_hash TEXT NOT NULL,
    court_id INTEGER REFERENCES courts(id),
    sip_extension TEXT,
    languages TEXT NOT NULL DEFAULT 'kk,ru',
    max_concurrent INTEGER NOT NULL DEFAULT 10,
    title TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
  );
  INSERT INTO users_new (id, login, name, role, password_hash, court_id, sip_extension, languages, max_concurrent, title, active, created_at)
    SELECT id, login, name, role, password_hash, court_id, sip_extension, languages, max_concurrent, title, active, created_at FROM users;
  DROP TABLE users;
  ALTER TABLE users_new RENAME TO users;
  `,
  /*
   * 18: the retention job's deletes of old notifications and drafts (src/retention/job.ts) by age, in batches.
   * Neither table is written at ingest.
   */ `
  CREATE INDEX notifications_created ON notifications(created_at);
  CREATE INDEX ticket_drafts_updated ON ticket_drafts(updated_at);
  `,
  /*
   * 19: the citizens' ratings (src/csat/): one survey per resolved ticket, the operators its rating counts for (by
   * user, for their own figures) and the tickets automated mail opened (no survey). Written at resolution, on the
   * citizen's answer and for automated mail only; an ordinary message's ingest writes none of them, and its only
   * read is csat_surveys_contact.
   */ `
  CREATE TABLE csat_surveys (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    court_id INTEGER NOT NULL REFERENCES courts(id),
    channel TEXT NOT NULL,
    language TEXT NOT NULL,
    message_id INTEGER REFERENCES messages(id),
    sent_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    score INTEGER CHECK (score BETWEEN 1 AND 5),
    comment TEXT,
    answered_via TEXT CHECK (answered_via IN ('whatsapp', 'email', 'page')),
    answered_at INTEGER,
    reply_external_id TEXT,
    comment_external_id TEXT
  );
  CREATE INDEX csat_surveys_contact ON csat_surveys(contact_id, sent_at);
  CREATE INDEX csat_surveys_court ON csat_surveys(court_id, sent_at);
  CREATE INDEX csat_surveys_sent ON csat_surveys(sent_at);
  CREATE TABLE csat_operators (
    user_id INTEGER NOT NULL REFERENCES users(id),
    survey_id INTEGER NOT NULL REFERENCES csat_surveys(id),
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, sent_at, survey_id)
  ) WITHOUT ROWID;
  CREATE INDEX csat_operators_survey ON csat_operators(survey_id);
  CREATE TABLE csat_automated (ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id));
  `,
  /* 20: reports (src/reports/) read a period's escalations by when they were made; escalations are not written at ingest */ `
  CREATE INDEX escalations_created ON escalations(created_at);
  `,
  /* 21: report facts (src/reports/facts.ts): each ticket's report columns with its working times worked out, kept by a job outside ingest */ `
  CREATE TABLE report_facts (
    court_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL,
    channel TEXT NOT NULL,
    assignee_id INTEGER,
    status TEXT NOT NULL,
    scope_verdict TEXT,
    model_verdict TEXT,
    language TEXT,
    first_response_at INTEGER,
    due_at INTEGER,
    resolved_at INTEGER,
    done_at INTEGER,
    first_response_ms INTEGER,
    resolution_ms INTEGER,
    off_hours INTEGER NOT NULL,
    PRIMARY KEY (court_id, created_at, ticket_id)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX report_facts_ticket ON report_facts(ticket_id);
  CREATE INDEX report_facts_open ON report_facts(court_id, done_at);
  CREATE TABLE report_facts_cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    updated_at INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL
  );
  INSERT INTO report_facts_cursor (id, updated_at, ticket_id) VALUES (1, -1, 0);
  CREATE TABLE report_facts_courts (
    court_id INTEGER PRIMARY KEY,
    calendar TEXT NOT NULL,
    redo_calendar TEXT,
    redo_created_at INTEGER,
    redo_ticket_id INTEGER
  );
  `,
  /*
   * 22: callback tasks (src/callbacks.ts): whom a call rang (JSON user ids, in order), a call-back's result, and
   * each try to call the citizen back. Written by call progress and the console, never by a message's ingest; the
   * queue's indexes are partial, so a call ingested (no due time yet) writes no entry in them.
   */ `
  ALTER TABLE calls ADD COLUMN rung TEXT;
  ALTER TABLE calls ADD COLUMN callback_result TEXT;
  CREATE TABLE callback_attempts (
    id INTEGER PRIMARY KEY,
    call_row_id INTEGER NOT NULL REFERENCES calls(id),
    at INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id),
    result TEXT NOT NULL
  );
  CREATE INDEX callback_attempts_call ON callback_attempts(call_row_id, at);
  CREATE INDEX calls_callback_open ON calls(callback_due_at, id) WHERE callback_due_at IS NOT NULL AND callback_done_at IS NULL;
  CREATE INDEX calls_callback_done ON calls(callback_done_at, id) WHERE callback_done_at IS NOT NULL;
  `,
  /* 23: reports (src/reports/) read a period's missed calls by when they started; partial: a call gets its entry when call progress sets its call-back due time, never at ingest */ `
  CREATE INDEX calls_missed_started ON calls(started_at) WHERE callback_due_at IS NOT NULL;
  `,
  /*
   * 24: a language the citizen chose themselves (the phone's language menu) wins over the one detected in each
   * message; ingest reads it by the contact's primary key and never writes it.
   */ `
  ALTER TABLE contacts ADD COLUMN language_chosen INTEGER NOT NULL DEFAULT 0;
  `,
];
