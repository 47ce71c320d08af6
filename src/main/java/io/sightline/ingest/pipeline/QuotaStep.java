package io.sightline.ingest.pipeline;

import io.sightline.ingest.quota.MonthlyQuota;

import java.time.YearMonth;

/**
 * The site's monthly event quota ({@code ingest.monthlyEventQuota}): an event received when the
 * site has used it up is dropped with {@link DropReason#QUOTA}. Runs after every other drop, so that
 * only events that would be stored are counted; the month is the site's calendar month of receipt.
 */
public final class QuotaStep implements PipelineStep {
  private final MonthlyQuota quota;

  public QuotaStep(MonthlyQuota quota) {
    this.quota = quota;
  }

  @Override
  public void apply(EventDraft d) {
    YearMonth month = MonthlyQuota.month(d.site, d.facts.receivedAt());
    if (!quota.tryAcquire(d.site, month)) {
      throw new Dropped(DropReason.QUOTA, "the site's monthly event quota (" + quota.limit() + ") is used up");
    }
    d.quotaMonth = month;
  }
}
