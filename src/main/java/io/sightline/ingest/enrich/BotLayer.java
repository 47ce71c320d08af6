package io.sightline.ingest.enrich;

import java.util.Locale;

/**
 * Which layer of bot detection decided that a request is a bot: the {@code layer} label of
 * {@code sightline_ingest_events_dropped_total{reason="bot"}}.
 */
public enum BotLayer {
  /** YAUAA's device class: Robot, Robot Mobile, Robot Imitator, Hacker, Spy. */
  YAUAA,
  /** The maintained crawler list ({@code bots/isbot.json}). */
  LIST,
  /** Sightline's own tokens ({@code bots/patterns.txt}). */
  CURATED,
  /** Headless and automated browsers ({@code bots/automation.txt}). */
  AUTOMATION,
  /** The operator's patterns ({@code ingest.botPatternsFile}). */
  OPERATOR,
  /** No {@code Mozilla/} and no other browser token: an HTTP client, not a browser. */
  NOT_BROWSER,
  /** The client address is in the operator's data-centre ranges ({@code ingest.datacenterIpsFile}). */
  DATACENTER;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
