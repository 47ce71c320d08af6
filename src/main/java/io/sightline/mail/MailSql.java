package io.sightline.mail;

/** The statements of e-mail reports (tables of migration V23). */
final class MailSql {
  private MailSql() {
  }

  private static final String COLUMNS = "m.id, m.site_id, s.domain, s.timezone, m.recipient, m.frequency, m.created_at";

  static final String INSERT = "with m as (insert into mail_subscriptions (site_id, recipient, frequency) values ($1, $2, $3) returning *) "
      + "select " + COLUMNS + " from m join sites s on s.id = m.site_id";
  static final String LIST = "select " + COLUMNS + " from mail_subscriptions m join sites s on s.id = m.site_id where m.site_id = $1 order by m.id";
  static final String ALL = "select " + COLUMNS + " from mail_subscriptions m join sites s on s.id = m.site_id order by m.id";
  static final String FIND = "select " + COLUMNS + " from mail_subscriptions m join sites s on s.id = m.site_id where m.id = $1";
  static final String DELETE = "delete from mail_subscriptions where site_id = $1 and id = $2";
  static final String DELETE_BY_ID = "delete from mail_subscriptions where id = $1";

  /** Claims a period never claimed: the row is the claim and the record. */
  static final String CLAIM = "insert into mail_reports_sent (subscription_id, period_start, claimed_at) values ($1, $2, $3) "
      + "on conflict do nothing returning attempts";
  /** Claims again a period whose send failed with an error, once the retry interval has passed, below the attempt limit. */
  static final String RECLAIM = "update mail_reports_sent set claimed_at = $3, attempts = attempts + 1, last_error = null "
      + "where subscription_id = $1 and period_start = $2 and sent_at is null and last_error is not null and claimed_at <= $4 and attempts < $5 "
      + "returning attempts";
  static final String SENT = "update mail_reports_sent set sent_at = $3 where subscription_id = $1 and period_start = $2";
  static final String FAILED = "update mail_reports_sent set last_error = $3 where subscription_id = $1 and period_start = $2";

  static final String SECRET_INIT = "insert into mail_secret (key) values ($1) on conflict do nothing";
  static final String SECRET = "select key from mail_secret";
}
