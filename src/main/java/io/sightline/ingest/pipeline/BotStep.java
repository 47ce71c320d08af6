package io.sightline.ingest.pipeline;

import io.sightline.ingest.enrich.BotLayer;
import io.sightline.ingest.enrich.UserAgentInfo;
import io.sightline.net.AddressRanges;

/**
 * Drops requests without a User-Agent, bots by their User-Agent (the verdict cached with its parse:
 * YAUAA's robot classes, the pattern lists, no browser token) and, when the operator lists them,
 * visitors from data-centre address ranges. An event that names its visitor (a keyed server-side send) is judged by
 * the operator's patterns only.
 */
public final class BotStep implements PipelineStep {
  private final AddressRanges datacenters;

  public BotStep() {
    this(AddressRanges.EMPTY);
  }

  public BotStep(AddressRanges datacenters) {
    this.datacenters = datacenters;
  }

  @Override
  public void apply(EventDraft d) {
    if (d.facts.userAgent() == null || d.facts.userAgent().isBlank()) {
      throw new Dropped(DropReason.NO_USER_AGENT, "Missing User-Agent header: send the visitor's User-Agent");
    }
    // an event that names its visitor (visitor_id or user_id: only an authenticated sender can) is a server-side send
    // for a visitor the site knows: its sender's User-Agent and address (a backend's, in a data centre) say nothing of a
    // crawler; only the operator's own patterns still apply
    boolean named = d.in.visitorId() != null || d.in.userId() != null;
    UserAgentInfo ua = d.facts.userAgentInfo();
    if (ua.bot() && (!named || ua.botLayer() == BotLayer.OPERATOR)) {
      throw new Dropped(DropReason.BOT, ua.botLayer(), "Bot User-Agent (" + ua.botReason() + ")");
    }
    if (!named && !datacenters.isEmpty() && datacenters.contains(d.facts.clientIp())) {
      throw new Dropped(DropReason.BOT, BotLayer.DATACENTER, "Bot: the client address is in a data-centre range");
    }
  }
}
