package io.sightline.ingest.http;

import io.sightline.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Typed, size-checked reads of event body fields; anything else is a 400 naming the field. */
final class Fields {
  static final int MAX_URL = 4096;
  static final int MAX_NAME = 200;
  static final int MAX_UTM = 500;
  static final int MAX_LABEL = 500;
  static final int MAX_ID = 200;
  static final int MAX_PROPS = 30;
  static final int MAX_PROP_KEY = 300;
  static final int MAX_PROP_VALUE = 2000;
  static final int MAX_TAGS = 20;
  static final int MAX_TAG = 100;
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final BigDecimal MAX_REVENUE = new BigDecimal("1000000000000");

  private Fields() {
  }

  static String string(JsonObject o, String field, int max) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiException.badRequest(field + " must be a string");
    }
    if (s.length() > max) {
      throw ApiException.badRequest(field + " must be at most " + max + " characters");
    }
    noNul(s, field);
    String t = s.strip();
    return t.isEmpty() ? null : t;
  }

  /** PostgreSQL text cannot hold U+0000: refuse it here rather than fail a whole batch later. */
  static void noNul(String s, String field) {
    if (s.indexOf('\u0000') >= 0) {
      throw ApiException.badRequest(field + " must not contain NUL characters");
    }
  }

  /** A label-like text: cut to {@code max} rather than refused (it is informational). */
  static String label(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiException.badRequest(field + " must be a string");
    }
    noNul(s, field);
    String t = s.strip().replaceAll("\\s+", " ");
    if (t.isEmpty()) {
      return null;
    }
    return t.length() > MAX_LABEL ? t.substring(0, MAX_LABEL) : t;
  }

  static Integer integer(JsonObject o, String field, int min, int max) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ApiException.badRequest(field + " must be a whole number");
    }
    double d = n.doubleValue();
    if (d < min || d > max) {
      throw ApiException.badRequest(field + " must be between " + min + " and " + max);
    }
    return n.intValue();
  }

  static Boolean bool(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Boolean b)) {
      throw ApiException.badRequest(field + " must be true or false");
    }
    return b;
  }

  static BigDecimal amount(Object v, String field) {
    if (v == null) {
      return null;
    }
    BigDecimal amount;
    try {
      amount = v instanceof Number n ? new BigDecimal(n.toString()) : v instanceof String s ? new BigDecimal(s.trim()) : null;
    } catch (NumberFormatException e) {
      amount = null;
    }
    if (amount == null || amount.abs().compareTo(MAX_REVENUE) >= 0) {
      throw ApiException.badRequest(field + " must be a number below 10^12");
    }
    return amount.setScale(Math.min(Math.max(amount.scale(), 0), 6), java.math.RoundingMode.HALF_UP);
  }

  static String currency(Object v, String field) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || !CURRENCY.matcher(s.trim().toUpperCase(Locale.ROOT)).matches()) {
      throw ApiException.badRequest(field + " must be a three-letter ISO 4217 code such as USD");
    }
    return s.trim().toUpperCase(Locale.ROOT);
  }

  static String timezone(JsonObject o, String field) {
    String tz = string(o, field, 64);
    if (tz == null) {
      return null;
    }
    try {
      return ZoneId.of(tz).getId();
    } catch (DateTimeException e) {
      throw ApiException.badRequest(field + " must be an IANA time zone such as Europe/Berlin");
    }
  }

  static Instant timestamp(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    try {
      if (v instanceof Number n) {
        return Instant.ofEpochMilli(n.longValue());
      }
      if (v instanceof String s) {
        return OffsetDateTime.parse(s.trim()).toInstant();
      }
    } catch (DateTimeException | ArithmeticException e) {
      // fall through
    }
    throw ApiException.badRequest(field + " must be an ISO 8601 time with offset (2026-03-01T12:00:00Z) or Unix milliseconds");
  }

  /** Property values: strings, or numbers and booleans written as text. */
  static Map<String, String> props(Map<String, Object> raw, String field) {
    if (raw == null || raw.isEmpty()) {
      return Map.of();
    }
    if (raw.size() > MAX_PROPS) {
      throw ApiException.badRequest(field + " may have at most " + MAX_PROPS + " properties");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      out.put(propKey(e.getKey(), field), propValue(e.getValue(), field));
    }
    return out;
  }

  static Map<String, String> metaArrays(JsonObject o) {
    Object keys = o.getValue("meta_keys");
    Object values = o.getValue("meta_values");
    if (keys == null && values == null) {
      return Map.of();
    }
    if (!(keys instanceof JsonArray k) || !(values instanceof JsonArray v) || k.size() != v.size()) {
      throw ApiException.badRequest("meta_keys and meta_values must be arrays of the same length");
    }
    if (k.size() > MAX_PROPS) {
      throw ApiException.badRequest("meta_keys may have at most " + MAX_PROPS + " entries");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < k.size(); i++) {
      if (!(k.getValue(i) instanceof String key)) {
        throw ApiException.badRequest("meta_keys must be strings");
      }
      out.put(propKey(key, "meta_keys"), propValue(v.getValue(i), "meta_values"));
    }
    return out;
  }

  static List<String> tags(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray array) || array.size() > MAX_TAGS) {
      throw ApiException.badRequest(field + " must be an array of at most " + MAX_TAGS + " strings");
    }
    List<String> out = new ArrayList<>();
    for (Object t : array) {
      if (!(t instanceof String s) || s.isBlank() || s.length() > MAX_TAG) {
        throw ApiException.badRequest(field + " entries must be non-empty strings of at most " + MAX_TAG + " characters");
      }
      noNul(s, field);
      if (!out.contains(s.strip())) {
        out.add(s.strip());
      }
    }
    return out;
  }

  private static String propKey(String key, String field) {
    String k = key == null ? "" : key.strip();
    noNul(k, field);
    if (k.isEmpty() || k.length() > MAX_PROP_KEY) {
      throw ApiException.badRequest(field + ": property names must be 1 to " + MAX_PROP_KEY + " characters");
    }
    return k;
  }

  private static String propValue(Object value, String field) {
    if (value == null || value instanceof JsonObject || value instanceof JsonArray || value instanceof Map || value instanceof List) {
      throw ApiException.badRequest(field + ": property values must be strings, numbers or booleans");
    }
    String s = value.toString();
    noNul(s, field);
    if (s.length() > MAX_PROP_VALUE) {
      throw ApiException.badRequest(field + ": property values must be at most " + MAX_PROP_VALUE + " characters");
    }
    return s;
  }
}
