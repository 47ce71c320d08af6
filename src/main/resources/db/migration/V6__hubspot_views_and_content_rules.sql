-- HubSpot Analytics v2 dialect (README, "HubSpot Analytics v2").
--
-- Analytics views: saved filters of a site, usable as filterId on /analytics/v2/reports. filters is a
-- JSON array of {"prop": <engine dimension id>, "op": EQ|NEQ|CONTAINS|NOT_CONTAINS|STARTS_WITH|ENDS_WITH,
-- "args": [values]}; all of them apply.
create table analytics_views (
  id          integer generated always as identity primary key,
  site_id     integer     not null references sites (id) on delete cascade,
  title       text        not null,
  filters     jsonb       not null default '[]'::jsonb,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  constraint analytics_views_title_unique unique (site_id, title),
  constraint analytics_views_title_length check (length(title) between 1 and 200),
  constraint analytics_views_filters_array check (jsonb_typeof(filters) = 'array')
);

create index analytics_views_site on analytics_views (site_id);

-- Content rules: which pages of a site are landing pages, blog posts, listing pages or knowledge
-- articles, by path pattern ('*' matches any run of characters, as in pageview goals). A blog-posts
-- rule is one blog: its id is the content group (blog) id. Pages no rule matches are standard pages.
create table content_rules (
  id            integer generated always as identity primary key,
  site_id       integer     not null references sites (id) on delete cascade,
  content_type  text        not null,
  pattern       text        not null,
  name          text        not null,
  created_at    timestamptz not null default now(),
  constraint content_rules_unique unique (site_id, content_type, pattern),
  constraint content_rules_type_known check (content_type in
    ('landing-pages', 'standard-pages', 'blog-posts', 'listing-pages', 'knowledge-articles')),
  constraint content_rules_pattern_length check (length(pattern) between 1 and 500),
  constraint content_rules_name_length check (length(name) between 1 and 200)
);

create index content_rules_site on content_rules (site_id);
