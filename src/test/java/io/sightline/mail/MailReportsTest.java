package io.sightline.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.sightline.support.RunningServer;
import io.sightline.support.TestDatabase;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Weekly reports end to end against a real SMTP server (GreenMail): events of two weeks sent
 * through the ingestion API, subscriptions through the admin API, the messages read back and their
 * numbers compared with numbers computed here from the events sent; the unsubscribe link; a
 * failed send retried after the retry interval; restarts on the same database never sending a
 * period twice.
 */
@Tag("integration")
class MailReportsTest {
  private static final String UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
  private static GreenMail smtp;
  private static final Instant NOW = Instant.now();
  private static final LocalDate WEEK = LocalDate.ofInstant(NOW, ZoneOffset.UTC).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(1);
  private static final LocalDate PREVIOUS_WEEK = WEEK.minusWeeks(1);

  /** A pageview: visitor, day, seconds after midnight UTC, page, the session's source (a referrer or a UTM source) or null. */
  record Hit(String visitor, LocalDate day, int second, String page, String source) {
  }

  private static final int TEN = 36_000;
  // few distinct days (each backfilled day costs the writer a restore of its state): this week's visits on its
  // Wednesday, the week before's on its Wednesday, and one visit on each side of the week's bounds
  private static final LocalDate DAY = WEEK.plusDays(2);
  private static final LocalDate DAY_BEFORE = PREVIOUS_WEEK.plusDays(2);
  private static final List<Hit> THIS_WEEK = thisWeek();
  private static final List<Hit> WEEK_BEFORE = List.of(
      new Hit("e", DAY_BEFORE, TEN, "/", null),
      new Hit("f", DAY_BEFORE, TEN + 3600, "/", null), new Hit("f", DAY_BEFORE, TEN + 3630, "/pricing", null),
      new Hit("g", PREVIOUS_WEEK.minusDays(1), TEN, "/", null)); // the Sunday before: in neither week

  private static List<Hit> thisWeek() {
    List<Hit> hits = new ArrayList<>(List.of(
        new Hit("a", DAY, TEN, "/", "google"), new Hit("a", DAY, TEN + 60, "/pricing", null),
        new Hit("b", DAY, TEN + 600, "/", null),
        new Hit("c", DAY, TEN + 1200, "/pricing", "newsletter"), new Hit("c", DAY, TEN + 1320, "/docs", null),
        new Hit("d", DAY, TEN + 1800, "/", null),
        new Hit("a", DAY, TEN + 7200, "/", null))); // two hours later: a's second visit
    if (NOW.isAfter(WEEK.plusDays(7).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(60))) {
      hits.add(new Hit("h", WEEK.plusDays(7), 0, "/", null)); // the next Monday's first second: not in the week (not sent in the future)
    }
    return List.copyOf(hits);
  }

  private static RunningServer server;
  private static TestDatabase db;
  private static String banner;

  @BeforeAll
  static void startSmtp() {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    smtp.setUser("reports@sightline.test", "reports", "smtp-secret"); // the reports log in (mail.username, mail.password)
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    smtp.stop();
  }

  private static String[] settings(int port) {
    return new String[] {"mail.host", "127.0.0.1", "mail.port", String.valueOf(port), "mail.from", "reports@sightline.test",
        "mail.starttls", "false", "mail.username", "reports", "mail.password", "smtp-secret", "mail.checkIntervalSeconds", "1", "mail.retryMinutes", "30", "ingest.backfillDays", "21"};
  }

  @Test
  void weeklyReportsAreSentOnceWithTheEngineNumbersAndCanBeStopped() throws Exception {
    // 1. the SMTP server unreachable: the sends fail, are recorded, and nothing is sent
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    server = RunningServer.start(clock, settings(closed));
    db = server.db;
    banner = server.banner;
    send(THIS_WEEK);
    send(WEEK_BEFORE);
    server.foldRollups();
    subscribe("owner@example.com", "weekly", 201);
    subscribe("team@example.com", "weekly", 201);
    subscribe("owner@example.com", "weekly", 409);
    subscribe("not an address", "weekly", 400);
    subscribe("owner@example.com", "daily", 400);
    await(() -> server.sql("select count(*) from mail_reports_sent where last_error is not null").iterator().next().getLong(0) == 2);
    assertEquals(0, smtp.getReceivedMessages().length);

    // 2. restarted with the server reachable, 31 minutes later: each period tried again, sent once
    server.close();
    clock = Clock.fixed(NOW.plus(Duration.ofMinutes(31)), ZoneOffset.UTC);
    server = RunningServer.restart(db, banner, clock, settings(smtp.getSmtp().getPort()));
    assertTrue(smtp.waitForIncomingEmail(20_000, 2));
    awaitRuns(2);
    MimeMessage[] received = smtp.getReceivedMessages();
    assertEquals(2, received.length);
    Set<String> to = new HashSet<>();
    for (MimeMessage m : received) {
      to.add(m.getAllRecipients()[0].toString());
      checkReport(m);
    }
    assertEquals(Set.of("owner@example.com", "team@example.com"), to);
    assertEquals(2L, server.sql("select count(*) from mail_reports_sent where sent_at is not null and attempts = 2 and period_start = $1", WEEK)
        .iterator().next().getLong(0));

    // the owner's unsubscribe link: a GET asks, a POST stops; a forged token does nothing
    MimeMessage owner = Arrays.stream(received).filter(m -> hasRecipient(m, "owner@example.com")).findFirst().orElseThrow();
    String link = unsubscribeLink(owner);
    assertEquals("<" + link + ">", owner.getHeader("List-Unsubscribe", null));
    assertTrue(link.startsWith(server.server.publicUrl() + "/mail/unsubscribe?token="), link);
    String path = link.substring(server.server.publicUrl().length());
    HttpResponse<String> ask = server.send("GET", path, null);
    assertEquals(200, ask.statusCode());
    assertTrue(ask.body().contains("weekly report of <b>localhost</b> to <b>owner@example.com</b>"), ask.body());
    assertEquals(2, subscriptions().size(), "a GET changes nothing");
    String forged = path.substring(0, path.length() - 2) + (path.endsWith("A") ? "BB" : "AA");
    assertEquals(404, server.send("POST", forged, null).statusCode());
    HttpResponse<String> stop = server.send("POST", path, null);
    assertEquals(200, stop.statusCode());
    assertTrue(stop.body().contains("You are unsubscribed"));
    assertEquals(404, server.send("GET", path, null).statusCode());
    assertEquals(List.of("team@example.com"), subscriptions());

    // 3. restarted again: nothing sent twice; a new subscription gets its one report
    server.close();
    server = RunningServer.restart(db, banner, clock, settings(smtp.getSmtp().getPort()));
    subscribe("late@example.com", "weekly", 201);
    assertTrue(smtp.waitForIncomingEmail(20_000, 3));
    awaitRuns(2);
    received = smtp.getReceivedMessages();
    assertEquals(3, received.length, "no period sent twice");
    assertTrue(hasRecipient(received[2], "late@example.com"));
    checkReport(received[2]);
  }

  // ---------------------------------------------------------------- what the report must say, computed from the hits

  private static void checkReport(MimeMessage m) throws Exception {
    assertEquals("Sightline weekly report for localhost: " + WEEK + " to " + WEEK.plusDays(6), m.getSubject());
    String text = text(m);
    Map<String, Long> now = stats(THIS_WEEK, WEEK);
    Map<String, Long> before = stats(WEEK_BEFORE, PREVIOUS_WEEK);
    assertEquals(Map.of("visitors", 4L, "visits", 5L, "pageviews", 7L, "bounce", 60L, "duration", 36L), now, "the fixture itself");
    line(text, "Visitors", now.get("visitors"), before.get("visitors"), "");
    line(text, "Visits", now.get("visits"), before.get("visits"), "");
    line(text, "Pageviews", now.get("pageviews"), before.get("pageviews"), "");
    line(text, "Bounce rate", now.get("bounce"), before.get("bounce"), "%");
    line(text, "Visit duration", now.get("duration"), before.get("duration"), " s");
    // sources: visitors of the sessions with each source; pages: visitors and pageviews
    Map<String, Set<String>> sources = new LinkedHashMap<>();
    Map<String, Set<String>> pageVisitors = new LinkedHashMap<>();
    Map<String, Integer> pageviews = new HashMap<>();
    for (List<Hit> session : sessions(THIS_WEEK, WEEK)) {
      String source = session.get(0).source() == null ? "(direct)" : session.get(0).source().equals("google") ? "Google" : session.get(0).source();
      sources.computeIfAbsent(source, k -> new HashSet<>()).add(session.get(0).visitor());
      for (Hit h : session) {
        pageVisitors.computeIfAbsent(h.page(), k -> new HashSet<>()).add(h.visitor());
        pageviews.merge(h.page(), 1, Integer::sum);
      }
    }
    for (Map.Entry<String, Set<String>> s : sources.entrySet()) {
      assertTrue(text.contains("\n  " + s.getKey() + ": " + s.getValue().size() + "\n"), s.getKey() + " in\n" + text);
    }
    for (Map.Entry<String, Set<String>> p : pageVisitors.entrySet()) {
      assertTrue(text.contains("\n  " + p.getKey() + ": " + p.getValue().size() + ", " + pageviews.get(p.getKey()) + "\n"), p.getKey() + " in\n" + text);
    }
    String html = html(m);
    assertTrue(html.contains("<b>" + now.get("visitors") + "</b>"), html);
  }

  private static void line(String text, String label, long value, long before, String unit) {
    String change = before == 0 ? "n/a" : BigDecimal.valueOf(value - before).multiply(BigDecimal.valueOf(100))
        .divide(BigDecimal.valueOf(before), 1, RoundingMode.HALF_UP).toPlainString();
    if (before != 0 && value > before) {
      change = "+" + change;
    }
    String expected = label + ": " + value + unit + " (previous period: " + before + unit + ", change: " + change + (before == 0 ? "" : "%") + ")";
    assertTrue(text.contains(expected), "expected \"" + expected + "\" in\n" + text);
  }

  /** Visitors, visits, pageviews, bounce rate, mean visit length. */
  private static Map<String, Long> stats(List<Hit> hits, LocalDate weekStart) {
    List<List<Hit>> sessions = sessions(hits, weekStart);
    Set<String> visitors = new HashSet<>();
    long pageviews = 0;
    long bounces = 0;
    long seconds = 0;
    for (List<Hit> s : sessions) {
      visitors.add(s.get(0).visitor());
      pageviews += s.size();
      bounces += s.size() == 1 ? 1 : 0;
      seconds += s.get(s.size() - 1).second() - s.get(0).second();
    }
    return Map.of("visitors", (long) visitors.size(), "visits", (long) sessions.size(), "pageviews", pageviews,
        "bounce", Math.round(100.0 * bounces / sessions.size()), "duration", Math.round((double) seconds / sessions.size()));
  }

  /** A visitor's pageviews of the week, in time order; a new visit after 30 minutes without one (or on another day). */
  private static List<List<Hit>> sessions(List<Hit> hits, LocalDate weekStart) {
    List<Hit> sorted = hits.stream().filter(h -> !h.day().isBefore(weekStart) && h.day().isBefore(weekStart.plusDays(7)))
        .sorted(java.util.Comparator.comparing(Hit::visitor).thenComparing(Hit::day).thenComparingInt(Hit::second)).toList();
    List<List<Hit>> sessions = new ArrayList<>();
    Hit last = null;
    for (Hit h : sorted) {
      if (last == null || !last.visitor().equals(h.visitor()) || !last.day().equals(h.day()) || h.second() - last.second() >= 1800) {
        sessions.add(new ArrayList<>());
      }
      sessions.get(sessions.size() - 1).add(h);
      last = h;
    }
    return sessions;
  }

  // ---------------------------------------------------------------- plumbing

  private static void send(List<Hit> hits) {
    StringBuilder batch = new StringBuilder("[");
    for (Hit h : hits) {
      String url = "https://localhost" + h.page() + ("newsletter".equals(h.source()) ? "?utm_source=newsletter" : "");
      batch.append(batch.length() > 1 ? "," : "").append("{\"url\":\"").append(url).append("\",\"visitor_id\":\"").append(h.visitor())
          .append("\",\"timestamp\":\"").append(h.day().atStartOfDay().plusSeconds(h.second()).toInstant(ZoneOffset.UTC)).append('"')
          .append("google".equals(h.source()) ? ",\"referrer\":\"https://www.google.com/\"" : "").append('}');
    }
    HttpResponse<String> r = server.send("POST", "/api/event/batch", batch.append(']').toString(), "x-api-key", server.siteKey(),
        "Content-Type", "application/json", "User-Agent", UA);
    assertEquals(200, r.statusCode(), r.body());
    assertFalse(r.body().contains("\"success\":false"), r.body());
  }

  private static void subscribe(String recipient, String frequency, int status) {
    HttpResponse<String> r = server.send("POST", "/admin/v1/sites/localhost/mail-reports",
        "{\"recipient\":\"" + recipient + "\",\"frequency\":\"" + frequency + "\"}", "x-api-key", server.adminKey(), "Content-Type", "application/json");
    assertEquals(status, r.statusCode(), r.body());
  }

  private static List<String> subscriptions() {
    HttpResponse<String> r = server.send("GET", "/admin/v1/sites/localhost/mail-reports", null, "x-api-key", server.adminKey());
    assertEquals(200, r.statusCode(), r.body());
    List<String> out = new ArrayList<>();
    new io.vertx.core.json.JsonObject(r.body()).getJsonArray("subscriptions").forEach(s -> out.add(((io.vertx.core.json.JsonObject) s).getString("recipient")));
    return out;
  }

  /** Waits for {@code more} further runs of the report job (so that anything it would send, it has sent). */
  private static void awaitRuns(int more) {
    double start = server.metric("sightline_mail_report_runs_total");
    await(() -> server.metric("sightline_mail_report_runs_total") >= start + more);
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static boolean hasRecipient(MimeMessage m, String address) {
    try {
      return m.getAllRecipients()[0].toString().equals(address);
    } catch (jakarta.mail.MessagingException e) {
      throw new AssertionError(e);
    }
  }

  private static String text(MimeMessage m) throws Exception {
    return ((String) ((MimeMultipart) m.getContent()).getBodyPart(0).getContent()).replace("\r\n", "\n");
  }

  private static String html(MimeMessage m) throws Exception {
    return (String) ((MimeMultipart) m.getContent()).getBodyPart(1).getContent();
  }

  private static String unsubscribeLink(MimeMessage m) throws Exception {
    Matcher link = Pattern.compile("Stop these reports: (\\S+)").matcher(text(m));
    assertTrue(link.find());
    assertNotNull(link.group(1));
    return link.group(1);
  }
}
