package io.sightline.api.hum;

import io.sightline.http.ApiException;
import io.vertx.core.MultiMap;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The query of {@code GET /analytics/sessions}, checked: {@code page} (1 to 1,000,000), {@code start_date}
 * and {@code end_date} (inclusive bounds on the session's creation, at the second: see
 * {@link #parse}), {@code token_ids[]} (repeatable; {@code token_ids} also accepted) and
 * {@code with_clicks}. Every bad value is a 422 naming the parameter; other parameters are ignored.
 *
 * @param startInclusive sessions created at or after (already rounded up to a whole second)
 * @param endExclusive sessions created before (the end bound's second plus one)
 * @param tokens the token references as given: keys' UUIDs (Hum's form), key ids ({@code 12}) or key prefixes ({@code sl_AbCdEfGh12})
 */
public record HumListParams(int page, Instant startInclusive, Instant endExclusive, List<Token> tokens, boolean withClicks) {
  public static final int PAGE_SIZE = 50;
  public static final int MAX_PAGE = 1_000_000;
  public static final int MAX_TOKENS = 100;
  /** Bounds used when a date is not given: before and after any session Sightline can hold. */
  public static final Instant MIN = Instant.parse("1970-01-01T00:00:00Z");
  public static final Instant MAX = Instant.parse("9999-01-01T00:00:00Z");

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
  private static final Pattern PREFIX = Pattern.compile("sl_[0-9A-Za-z]{10}");
  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** A token reference: a Sightline key's public UUID (as Hum's schema has token ids), numeric id or public prefix; one of the three is set. */
  public record Token(String raw, Integer id, String keyId, java.util.UUID uuid) {
  }

  public static ApiException invalid(String message) {
    return new ApiException(422, "invalid_request", message);
  }

  public static HumListParams parse(MultiMap params) {
    int page = page(single(params, "page"));
    Instant start = bound(single(params, "start_date"), "start_date", false);
    Instant end = bound(single(params, "end_date"), "end_date", true);
    if (start == null) {
      start = MIN;
    }
    if (end == null) {
      end = MAX;
    }
    if (!start.isBefore(end)) {
      throw invalid("start_date must not be after end_date");
    }
    List<String> raw = new ArrayList<>(params.getAll("token_ids[]"));
    raw.addAll(params.getAll("token_ids"));
    if (raw.size() > MAX_TOKENS) {
      throw invalid("token_ids[]: at most " + MAX_TOKENS + " ids");
    }
    List<Token> tokens = new ArrayList<>();
    for (String r : raw) {
      tokens.add(token(r));
    }
    return new HumListParams(page, start, end, tokens, bool(single(params, "with_clicks"), "with_clicks"));
  }

  public int offset() {
    return (page - 1) * PAGE_SIZE;
  }

  private static String single(MultiMap params, String name) {
    List<String> all = params.getAll(name);
    if (all.size() > 1) {
      throw invalid(name + " must be given once");
    }
    return all.isEmpty() ? null : all.get(0);
  }

  static int page(String raw) {
    if (raw == null) {
      return 1;
    }
    String s = raw.strip();
    if (!s.matches("[0-9]{1,7}") || Integer.parseInt(s) < 1 || Integer.parseInt(s) > MAX_PAGE) {
      throw invalid("page must be a whole number from 1 to " + MAX_PAGE);
    }
    return Integer.parseInt(s);
  }

  static boolean bool(String raw, String name) {
    if (raw == null) {
      return false;
    }
    return switch (raw.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0", "" -> false;
      default -> throw invalid(name + " must be true or false");
    };
  }

  /**
   * A date bound: ISO 8601 date-time with an offset or {@code Z} ({@code 2026-03-31T23:59:59Z}), a
   * date-time without one (UTC), or a date ({@code 2026-03-31}: its first second as a start, its
   * last as an end). Creation times count in whole seconds, as the API shows them: a start rounds
   * up to the next whole second, and an end includes the whole of its second.
   */
  static Instant bound(String raw, String name, boolean end) {
    if (raw == null) {
      return null;
    }
    String s = raw.strip();
    if (s.isEmpty() || s.length() > 40) {
      throw invalid(name + " must be an ISO 8601 date-time such as 2026-03-31T23:59:59Z");
    }
    Instant t;
    try {
      if (s.length() == 10) {
        LocalDate d = LocalDate.parse(s);
        t = (end ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
        checkYear(t, name);
        return t;
      }
      try {
        t = OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeException e) {
        t = LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      }
    } catch (DateTimeException e) {
      throw invalid(name + " must be an ISO 8601 date-time such as 2026-03-31T23:59:59Z");
    }
    checkYear(t, name);
    Instant second = t.truncatedTo(ChronoUnit.SECONDS);
    if (end) {
      return second.plusSeconds(1);
    }
    return second.equals(t) ? t : second.plusSeconds(1);
  }

  private static void checkYear(Instant t, String name) {
    if (t.isBefore(MIN) || t.isAfter(MAX.minusSeconds(86_400 * 2))) {
      throw invalid(name + " must be between 1970 and 9998");
    }
  }

  static Token token(String raw) {
    String s = raw == null ? "" : raw.strip();
    if (DIGITS.matcher(s).matches()) {
      return new Token(s, Integer.parseInt(s), null, null);
    }
    if (PREFIX.matcher(s).matches()) {
      return new Token(s, null, s.substring(3), null);
    }
    if (UUID.matcher(s).matches()) {
      return new Token(s, null, null, java.util.UUID.fromString(s));
    }
    throw invalid("token_ids[] must be API keys' UUIDs, ids or prefixes (sl_...), as the admin API and `keys list` show them");
  }
}
