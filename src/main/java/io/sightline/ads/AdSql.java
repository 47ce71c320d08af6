package io.sightline.ads;

/** SQL of imported ad performance. */
final class AdSql {
  private AdSql() {
  }

  static final String UPSERT = """
      insert into ad_performance (site_id, platform, level, entity_id, campaign_id, campaign_name, adset_id, adset_name, ad_id, ad_name,
                                  status, day, spend, impressions, clicks)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
      on conflict (site_id, platform, level, entity_id, day) do update set
        campaign_id = excluded.campaign_id, campaign_name = excluded.campaign_name, adset_id = excluded.adset_id,
        adset_name = excluded.adset_name, ad_id = excluded.ad_id, ad_name = excluded.ad_name, status = excluded.status,
        spend = excluded.spend, impressions = excluded.impressions, clicks = excluded.clicks, imported_at = now()""";

  /**
   * Rows of one level summed over [$2, $3] (local dates), per platform and entity; names and status from the latest day.
   * $4 platform or null.
   */
  static final String PERFORMANCE = """
      select platform, entity_id,
             (array_agg(campaign_id order by day desc))[1] as campaign_id, (array_agg(campaign_name order by day desc))[1] as campaign_name,
             (array_agg(adset_id order by day desc))[1] as adset_id, (array_agg(adset_name order by day desc))[1] as adset_name,
             (array_agg(ad_id order by day desc))[1] as ad_id, (array_agg(ad_name order by day desc))[1] as ad_name,
             (array_agg(status order by day desc))[1] as status,
             sum(spend) as spend, sum(impressions)::bigint as impressions, sum(clicks)::bigint as clicks
      from ad_performance
      where site_id = $1 and day >= $2 and day <= $3 and ($4::text is null or platform = $4) and level = $5
      group by platform, entity_id""";

  static final String SUMMARY = """
      select platform, level, count(*) as rows, min(day) as first_day, max(day) as last_day, sum(spend) as spend
      from ad_performance where site_id = $1 group by platform, level order by platform, level""";

  static final String PLATFORMS = "select distinct platform from ad_performance where site_id = $1 order by platform";
}
