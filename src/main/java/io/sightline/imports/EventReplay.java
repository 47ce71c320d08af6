package io.sightline.imports;
import io.sightline.config.IngestConfig;
import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.ingest.EventType;
import io.sightline.ingest.IncomingEvent;
import io.sightline.ingest.RequestFacts;
import io.sightline.ingest.enrich.BotLayer;
import io.sightline.ingest.enrich.BotPatterns;
import io.sightline.ingest.enrich.ChannelClassifier;
import io.sightline.ingest.enrich.GeoLocation;
import io.sightline.ingest.enrich.Referrers;
import io.sightline.ingest.enrich.SpamReferrers;
import io.sightline.ingest.enrich.UrlCleaner;
import io.sightline.ingest.enrich.UserAgentInfo;
import io.sightline.ingest.pipeline.BotStep;
import io.sightline.ingest.pipeline.Dropped;
import io.sightline.ingest.pipeline.EventDraft;
import io.sightline.ingest.pipeline.PipelineStep;
import io.sightline.ingest.pipeline.ReferrerStep;
import io.sightline.ingest.pipeline.SessionStep;
import io.sightline.ingest.pipeline.SourceStep;
import io.sightline.ingest.pipeline.ValidateStep;
import io.sightline.ingest.session.ReplaySessions;
import io.sightline.site.Site;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replays a vendor's raw events, in time order, through the ingestion steps that still apply to stored data: the URL's
 * checks and cleaning (click ids, UTMs, the site's hostnames), bots (the stored browser name against the bot patterns),
 * referrer spam and same-site referrers, source and channel; location and device come from the vendor's fields (no
 * address or User-Agent is left to read them from). Then the visitor and session, as the tracker's would be: a daily
 * visitor id derived from the vendor's browser id and the event's UTC day (so a visitor counts as Sightline's own
 * anonymous visitors do, and the rollups stay exact), sessions by {@link ReplaySessions}. Ids are derived from the vendor's
 * ids, so replaying the same export gives the same ids. One thread.
 */
public final class EventReplay {
  private static final int FORGET_EVERY = 5_000;

  private final Site site;
  private final ImportSource source;
  private final List<PipelineStep> steps;
  private final BotPatterns bots;
  private final ReplaySessions sessions;
  private final Map<Long, SessionRow> sessionRows = new LinkedHashMap<>();
  private final ImportReport report;
  private final MessageDigest sha256;
  private long replayed;

  public EventReplay(Site site, ImportSource source, IngestConfig ingest, ImportReport report) {
    this.site = site;
    this.source = source;
    this.report = report;
    this.bots = BotPatterns.load(ingest.botPatternsFile());
    this.steps = List.of(new ValidateStep(new UrlCleaner(ingest.extraClickIdParams()), Integer.MAX_VALUE / 2),
        new BotStep(), new ReferrerStep(SpamReferrers.load(ingest.spamReferrersFile())),
        new SourceStep(Referrers.load(ingest.referrersFile()), new ChannelClassifier()));
    this.sessions = new ReplaySessions((visitorId, start) -> hash("session", Long.toString(visitorId), start.toString()) & ((1L << 53) - 1));
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The event's stored row, or null when a step dropped it (counted in the report under the step's reason). */
  public EventRecord replay(VendorEvent v) {
    EventDraft d = draft(v);
    try {
      for (PipelineStep step : steps) {
        step.apply(d);
      }
    } catch (Dropped dropped) {
      report.skipped(dropped.reason().id());
      return null;
    }
    d.geo = new GeoLocation(v.country(), v.region(), v.city());
    d.ts = d.ts.truncatedTo(ChronoUnit.MICROS);
    LocalDate day = LocalDate.ofInstant(d.ts, ZoneOffset.UTC);
    d.saltDay = day;
    d.visitorId = visitorId(v.visitorKey(), day);
    d.previousSaltDay = day.minusDays(1);
    d.previousDayVisitorId = visitorId(v.visitorKey(), day.minusDays(1));
    d.stableVisitor = false;
    d.eventId = hash("event", v.eventKey()) & Long.MAX_VALUE;
    d.session = sessions.track(d, d.eventId, v.sessionKey());
    sessionRows.put(d.sessionId, d.session);
    if (++replayed % FORGET_EVERY == 0) {
      sessions.forgetBefore(d.ts);
    }
    report.stored(d.ts);
    return SessionStep.record(d);
  }

  public ImportReport report() {
    return report;
  }

  /** The sessions of the events replayed so far, each in its last state. */
  public List<SessionRow> sessions() {
    return new ArrayList<>(sessionRows.values());
  }

  private EventDraft draft(VendorEvent v) {
    String name = v.type() == EventType.PAGEVIEW ? EventType.PAGEVIEW.id() : v.name() == null ? v.type().id() : v.name();
    BotVerdict verdict = botVerdict(v);
    UserAgentInfo device = new UserAgentInfo(v.device(), v.browser(), v.browserVersion(), v.os(), v.osVersion(), verdict.layer,
        verdict.reason);
    RequestFacts facts = new RequestFacts(null, "imported from " + source.id(), device, false, false, null, v.ts(), null);
    String currency = v.revenue() == null ? null : v.currency() == null ? "USD" : v.currency();
    VendorEvent.Interaction x = v.interaction();
    IncomingEvent in = new IncomingEvent(v.type(), name, v.url(), v.referrer(), site.domain(), v.utm() == null ? Map.of() : v.utm(),
        v.screenWidth(), null, v.revenue(), currency, v.props(), x.tags(), x.targetLabel(), x.targetSecondary(), x.scrollDepth(),
        x.engagementMs(), v.visitorKey(), null, v.ts(), x.interactive(), null);
    return new EventDraft(site, in, facts);
  }

  private record BotVerdict(BotLayer layer, String reason) {
  }

  /** A browser the vendor named as a crawler: its name against the same patterns ingestion applies to User-Agents. */
  private BotVerdict botVerdict(VendorEvent v) {
    String browser = v.browser();
    if (browser == null) {
      return new BotVerdict(null, null);
    }
    String lower = browser.toLowerCase(Locale.ROOT);
    if (lower.contains("bot") || lower.contains("crawler") || lower.contains("spider")) {
      return new BotVerdict(BotLayer.LIST, "browser " + browser);
    }
    BotPatterns.Match match = bots.match(browser);
    return match == null ? new BotVerdict(null, null) : new BotVerdict(match.layer(), "token " + match.token().toLowerCase(Locale.ROOT));
  }

  private long visitorId(String visitorKey, LocalDate day) {
    return hash("visitor", visitorKey, day.toString());
  }

  /** 64 bits of SHA-256 over the site, the source and the parts. */
  private long hash(String kind, String... parts) {
    sha256.reset();
    sha256.update((kind + '\0' + site.id() + '\0' + source.id()).getBytes(StandardCharsets.UTF_8));
    for (String p : parts) {
      sha256.update((byte) 0);
      sha256.update((p == null ? "" : p).getBytes(StandardCharsets.UTF_8));
    }
    return ByteBuffer.wrap(sha256.digest()).getLong();
  }
}
