package io.sightline.ingest.pipeline;

import io.sightline.ingest.enrich.BotLayer;
import io.sightline.ingest.enrich.UserAgentInfo;
import io.sightline.net.AddressRanges;

/**
 * Drops requests without a User-Agent, bots by their User-Agent (the verdict cached with its parse:
 * YAUAA's robot classes, the pattern lists, no browser token) and, when the operator lists them,
 * visitors from data-centre address ranges.
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
    UserAgentInfo ua = d.facts.userAgentInfo();
    if (ua.bot()) {
      throw new Dropped(DropReason.BOT, ua.botLayer(), "Bot User-Agent (" + ua.botReason() + ")");
    }
    if (!datacenters.isEmpty() && datacenters.contains(d.facts.clientIp())) {
      throw new Dropped(DropReason.BOT, BotLayer.DATACENTER, "Bot: the client address is in a data-centre range");
    }
  }
}
