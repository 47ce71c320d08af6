package io.sightline.ingest.enrich;

/**
 * What a User-Agent string says, computed once per distinct string and cached.
 *
 * @param device    desktop, mobile or tablet (the dashboard's three classes)
 * @param botLayer  null for browsers; otherwise the detection layer that decided it is a bot
 * @param botReason null for browsers; otherwise why it is a bot (robot class, matched pattern, no browser token)
 */
public record UserAgentInfo(String device, String browser, String browserVersion, String os, String osVersion, BotLayer botLayer,
                            String botReason) {
  public boolean bot() {
    return botReason != null;
  }
}
