package io.sightline.api.hum;

/** SQL of the Hum mapping rules (V7). */
final class HumMappingSql {
  static final String SETTINGS = "select order_event, order_number_prop, installed_event, commission_prop, street1_prop, street2_prop, "
      + "city_prop, state_prop, zip_prop from hum_settings where site_id = $1";
  static final String STEPS = "select f.step, f.name, g.id, g.site_id, g.name as goal_name, g.type, g.match "
      + "from hum_funnel_steps f join goals g on g.id = f.goal_id where f.site_id = $1 order by f.step";
  static final String UPSERT_SETTINGS = "insert into hum_settings (site_id, order_event, order_number_prop, installed_event, commission_prop, "
      + "street1_prop, street2_prop, city_prop, state_prop, zip_prop) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
      + "on conflict (site_id) do update set order_event = excluded.order_event, order_number_prop = excluded.order_number_prop, "
      + "installed_event = excluded.installed_event, commission_prop = excluded.commission_prop, street1_prop = excluded.street1_prop, "
      + "street2_prop = excluded.street2_prop, city_prop = excluded.city_prop, state_prop = excluded.state_prop, "
      + "zip_prop = excluded.zip_prop, updated_at = now()";
  static final String DELETE_STEPS = "delete from hum_funnel_steps where site_id = $1";
  static final String DELETE_SETTINGS = "delete from hum_settings where site_id = $1";
  /** Inserts the steps whose goal (by id or by name) belongs to the site; returns the numbers inserted. */
  static final String INSERT_STEPS = "insert into hum_funnel_steps (site_id, step, name, goal_id) "
      + "select $1, s.step, s.name, g.id from unnest($2::int[], $3::text[], $4::int[], $5::text[]) s(step, name, goal_id, goal_name) "
      + "join goals g on g.site_id = $1 and (g.id = s.goal_id or s.goal_id is null and g.name = s.goal_name) returning step";

  private HumMappingSql() {
  }
}
