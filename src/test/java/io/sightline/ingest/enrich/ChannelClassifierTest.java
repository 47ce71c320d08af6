package io.sightline.ingest.enrich;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.sightline.ingest.enrich.ChannelClassifier.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ChannelClassifierTest {
  private final ChannelClassifier c = new ChannelClassifier();
  private final Set<String> seen = new HashSet<>();

  private void expect(String channel, String clickId, String medium, String campaign, SourceCategory category, boolean hasSource) {
    assertEquals(channel, c.classify(clickId, medium, campaign, category, hasSource),
        "click=" + clickId + " medium=" + medium + " campaign=" + campaign + " category=" + category);
    seen.add(channel);
  }

  @Test
  void classifiesEveryOneOfTheSixteenChannels() {
    expect(DIRECT, null, null, null, null, false);
    expect(ORGANIC_SEARCH, null, null, null, SourceCategory.SEARCH, true);
    expect(ORGANIC_SEARCH, null, "organic", null, null, true);
    expect(PAID_SEARCH, "gclid", null, null, SourceCategory.SEARCH, true);
    expect(PAID_SEARCH, "msclkid", null, null, null, false);
    expect(PAID_SEARCH, null, "cpc", null, SourceCategory.SEARCH, true);
    expect(AI_SEARCH, null, null, null, SourceCategory.AI, true);
    expect(ORGANIC_SOCIAL, null, null, null, SourceCategory.SOCIAL, true);
    expect(ORGANIC_SOCIAL, "fbclid", null, null, null, false);
    expect(ORGANIC_SOCIAL, null, "social", null, null, true);
    expect(PAID_SOCIAL, "fbclid", "paid", null, SourceCategory.SOCIAL, true);
    expect(PAID_SOCIAL, null, "cpc", null, SourceCategory.SOCIAL, true);
    expect(EMAIL, null, "email", null, null, true);
    expect(EMAIL, null, "Newsletter", null, null, true);
    expect(EMAIL, null, null, null, SourceCategory.EMAIL, true);
    expect(REFERRAL, null, null, null, null, true);
    expect(REFERRAL, null, "referral", null, SourceCategory.OTHER, true);
    expect(DISPLAY, null, "display", null, null, true);
    expect(DISPLAY, null, "banner", null, null, true);
    expect(DISPLAY, null, "cpm", null, null, true);
    expect(DISPLAY, "dclid", null, null, null, false);
    expect(ORGANIC_VIDEO, null, null, null, SourceCategory.VIDEO, true);
    expect(ORGANIC_VIDEO, null, "video", null, null, true);
    expect(PAID_VIDEO, null, "cpv", null, SourceCategory.VIDEO, true);
    expect(ORGANIC_SHOPPING, null, null, null, SourceCategory.SHOPPING, true);
    expect(PAID_SHOPPING, null, "ppc", null, SourceCategory.SHOPPING, true);
    expect(PAID_SHOPPING, null, "paid", "summer-shopping", null, true);
    expect(AFFILIATES, null, "affiliate", null, null, true);
    expect(SMS, null, "sms", null, null, true);
    expect(CROSS_NETWORK, null, "cpc", "Cross-Network Q3", null, true);
    assertEquals(ChannelClassifier.CHANNELS, seen, "every channel is reachable");
    assertEquals(16, ChannelClassifier.CHANNELS.size());
  }
}
