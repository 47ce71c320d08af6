-- E-mail reports (docs/mail.md). A subscription sends one site's weekly or monthly digest to one
-- recipient; it goes with its site. mail_reports_sent holds one row per subscription and period:
-- inserting it claims the period (its primary key lets one node, once, claim it), and the row
-- records how the send went. A send that failed with an error is claimed again after the retry
-- interval, up to the attempt limit; a claim with no outcome (the process stopped mid-send) is never
-- sent again, since the message may have been accepted: at most one message per period.
create table mail_subscriptions (
  id          serial primary key,
  site_id     integer not null references sites (id) on delete cascade,
  recipient   text not null,
  frequency   text not null check (frequency in ('weekly', 'monthly')),
  created_at  timestamptz not null default now(),
  unique (site_id, recipient, frequency)
);

create table mail_reports_sent (
  subscription_id integer not null references mail_subscriptions (id) on delete cascade,
  period_start    date not null,
  claimed_at      timestamptz not null,
  attempts        integer not null default 1,
  sent_at         timestamptz,
  last_error      text,
  primary key (subscription_id, period_start)
);

-- the key that signs unsubscribe links, made once and shared by every node
create table mail_secret (
  id   boolean primary key default true check (id),
  key  bytea not null
);
