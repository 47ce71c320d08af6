package io.sightline.ingest.pipeline;

/** Drops requests without a User-Agent, and bots (robot classes or a curated/operator pattern). */
public final class BotStep implements PipelineStep {
  @Override
  public void apply(EventDraft d) {
    if (d.facts.userAgent() == null || d.facts.userAgent().isBlank()) {
      throw new Dropped(DropReason.NO_USER_AGENT, "Missing User-Agent header: send the visitor's User-Agent");
    }
    if (d.facts.userAgentInfo().bot()) {
      throw new Dropped(DropReason.BOT, "Bot User-Agent (" + d.facts.userAgentInfo().botReason() + ")");
    }
  }
}
