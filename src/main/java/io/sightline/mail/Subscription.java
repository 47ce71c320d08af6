package io.sightline.mail;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/** One recipient's reports of one site; {@code domain} and {@code timezone} are the site's. */
public record Subscription(int id, int siteId, String domain, String timezone, String recipient, ReportFrequency frequency,
                           OffsetDateTime createdAt) {
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("recipient", recipient).put("frequency", frequency.id())
        .put("created_at", createdAt.toInstant().toString());
  }
}
