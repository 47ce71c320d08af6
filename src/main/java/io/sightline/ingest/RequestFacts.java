package io.sightline.ingest;

import io.sightline.ingest.enrich.UserAgentInfo;

import java.time.Instant;

/**
 * What the HTTP request itself tells about an event: who sent it (client address, User-Agent,
 * privacy headers, CDN country), when, and through which key ({@code keyId} null on the keyless
 * tracker path). Never stored as such: the address and User-Agent only feed enrichment.
 */
public record RequestFacts(byte[] clientIp, String userAgent, UserAgentInfo userAgentInfo, boolean doNotTrack, boolean globalPrivacyControl,
                           String cdnCountry, Instant receivedAt, Integer keyId) {
  public boolean keyless() {
    return keyId == null;
  }
}
