package io.sightline.ingest.enrich;

/**
 * What a User-Agent string says, computed once per distinct string and cached.
 *
 * @param device    desktop, mobile or tablet (the dashboard's three classes)
 * @param botReason null for browsers; otherwise why it is a bot (robot class or matched token)
 */
public record UserAgentInfo(String device, String browser, String browserVersion, String os, String osVersion, String botReason) {
  public boolean bot() {
    return botReason != null;
  }
}
