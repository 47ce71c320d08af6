package io.sightline.mail;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sightline.config.MailConfig;
import io.sightline.query.QueryEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Sends the due e-mail reports; run every {@code mail.checkIntervalSeconds}. For each subscription
 * the due period is the last whole week or month in the site's time zone (by {@code clock}, the
 * job's only notion of now). A period is claimed by inserting its {@code mail_reports_sent} row
 * (one statement: the claim and the record are one row, so one node claims it once, across
 * restarts); only the claimer builds and sends it, then records the outcome. A send that failed
 * with an error is claimed again after {@code mail.retryMinutes}, at most {@code mail.maxAttempts}
 * times in all; a claim without an outcome (the process stopped mid-send, the message may have been
 * accepted) is never sent again: at most one message per subscription and period. Periods missed
 * while the server was down are not sent late, only the latest one.
 */
public final class MailReportJob {
  private static final Logger LOG = LoggerFactory.getLogger(MailReportJob.class);

  private final Vertx vertx;
  private final Pool pool;
  private final MailConfig config;
  private final Clock clock;
  private final Supplier<String> publicUrl;
  private final MailSubscriptions subscriptions;
  private final UnsubscribeTokens tokens;
  private final DigestQueries digests;
  private final SmtpMailer mailer;
  private final Counter runs;
  private final Counter sent;
  private final Counter failed;
  private final AtomicBoolean running = new AtomicBoolean();

  /** @param engine the server's query engine on {@code pool} */
  public MailReportJob(Vertx vertx, Pool pool, QueryEngine engine, MailConfig config, Clock clock, Supplier<String> publicUrl,
                       MeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.clock = clock;
    this.publicUrl = publicUrl;
    this.subscriptions = new MailSubscriptions(pool);
    this.tokens = new UnsubscribeTokens(pool);
    this.digests = new DigestQueries(engine);
    this.mailer = new SmtpMailer(config);
    this.runs = Counter.builder("sightline_mail_report_runs").description("Runs of the e-mail report job").register(registry);
    this.sent = Counter.builder("sightline_mail_reports").tag("outcome", "sent").description("E-mail reports by outcome").register(registry);
    this.failed = Counter.builder("sightline_mail_reports").tag("outcome", "failed").description("E-mail reports by outcome").register(registry);
  }

  /** One run: every subscription, one after the other; nothing while the previous run is still going. */
  public Future<Void> run() {
    if (publicUrl.get() == null) {
      return Future.succeededFuture(); // the HTTP server is not listening yet: its links would name no port; the next run sends
    }
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    Instant now = clock.instant();
    return subscriptions.all().compose(list -> each(list, 0, now)).onComplete(ar -> {
      running.set(false);
      runs.increment();
    });
  }

  private Future<Void> each(List<Subscription> list, int i, Instant now) {
    if (i == list.size()) {
      return Future.succeededFuture();
    }
    return report(list.get(i), now).recover(err -> {
      LOG.warn("E-mail report of subscription {}: {}", list.get(i).id(), err.getMessage());
      return Future.succeededFuture();
    }).compose(v -> each(list, i + 1, now));
  }

  private Future<Void> report(Subscription s, Instant now) {
    ReportPeriod period = s.frequency().lastComplete(LocalDate.ofInstant(now, ZoneId.of(s.timezone())));
    Tuple key = Tuple.of(s.id(), period.start(), at(now));
    return pool.preparedQuery(MailSql.CLAIM).execute(key)
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(rows)
            : pool.preparedQuery(MailSql.RECLAIM).execute(Tuple.of(s.id(), period.start(), at(now), at(now.minus(config.retryAfter())),
                config.maxAttempts())))
        .compose(claimed -> claimed.size() == 0 ? Future.succeededFuture() : send(s, period, attempts(claimed)));
  }

  private static int attempts(RowSet<Row> rows) {
    return rows.iterator().next().getInteger("attempts");
  }

  private Future<Void> send(Subscription s, ReportPeriod period, int attempt) {
    return Future.all(digests.digest(s, period), tokens.link(publicUrl.get(), s.id())).compose(all -> {
      Digest digest = all.resultAt(0);
      String url = all.resultAt(1);
      DigestMessage message = DigestMessage.of(digest, url);
      return vertx.executeBlocking(() -> {
        mailer.send(s.recipient(), message, url);
        return null;
      }, false);
    }).compose(v -> {
      sent.increment();
      LOG.info("Sent the {} report of {} for {} (subscription {})", s.frequency().id(), s.domain(), period.start(), s.id());
      return pool.preparedQuery(MailSql.SENT).execute(Tuple.of(s.id(), period.start(), at(clock.instant()))).<Void>mapEmpty();
    }, err -> {
      failed.increment();
      String reason = String.valueOf(err.getMessage());
      reason = reason.length() > 500 ? reason.substring(0, 500) : reason;
      LOG.warn("Sending the {} report of {} for {} failed (subscription {}, attempt {} of {}): {}", s.frequency().id(), s.domain(),
          period.start(), s.id(), attempt, config.maxAttempts(), reason);
      return pool.preparedQuery(MailSql.FAILED).execute(Tuple.of(s.id(), period.start(), reason)).mapEmpty();
    });
  }

  private static OffsetDateTime at(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
