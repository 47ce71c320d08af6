package io.sightline.realtime;

import java.math.BigDecimal;
import java.util.Map;

/** An immutable minute of a site's realtime window ({@code minute} = Unix minute). */
public record MinuteCounts(long minute, int pageviews, int events, Map<String, BigDecimal> revenue, Map<String, Integer> pages,
                           Map<String, Integer> sources, Map<String, Integer> countries) {
}
